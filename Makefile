# Credbridge: `make demo` runs the tool with the sandbox LMS; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install demo test bench lint serve clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The sandbox LMS is on this machine over http: its Dynamic Registration needs both LTI_ switches.
demo: install
	LMS_SANDBOX=1 DEBUG=1 $(BIN)/python manage.py migrate --noinput
	LMS_SANDBOX=1 LTI_ALLOW_HTTP_PLATFORMS=1 DEBUG=1 PUBLIC_BASE_URL=http://127.0.0.1:$(PORT) \
	  $(BIN)/python manage.py seed_demo
	LMS_SANDBOX=1 DEBUG=1 PUBLIC_BASE_URL=http://127.0.0.1:$(PORT) LTI_ALLOW_HTTP_PLATFORMS=1 \
	  LTI_PRIVATE_NETWORK_PLATFORMS=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	LMS_SANDBOX=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

# lint-imports checks the layers of ADR 0005 (contracts in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: install
	@set -e; for script in bench/*.py; do echo "== $$script"; LMS_SANDBOX=1 $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) var
