# Credbridge: `make demo` runs the tool with the sandbox LMS; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# Python keeps the modules it compiles (__pycache__, ignored by git). A shell that sets
# PYTHONDONTWRITEBYTECODE made every test process, and every process the tests start (Celery
# workers, servers, management commands), compile the project again and pytest rewrite every
# test module's asserts again: about 4 s of CPU a process, 7.7 s -> 3.8 s for a collection.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install lock demo test test-deep bench lint serve clean messages screenshots

install: $(STAMP)

# From the lock only (ADR 0006): every package pinned and checked against its hash, nothing
# resolved. requirements/dev.txt repeats the production pins (it is compiled against
# requirements/prod.txt) and adds the tools. The project itself brings no dependency.
$(STAMP): pyproject.toml requirements/prod.txt requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes \
	  -r requirements/prod.txt -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Re-lock after a change to pyproject.toml's dependencies. The pins already in the lock are
# kept; UPGRADE=django moves one package (and what it needs), UPGRADE=all moves everything.
# The lock holds every platform's hashes and markers, resolved for Python 3.11.
UPGRADE ?=
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" --quiet \
	$(if $(filter all,$(UPGRADE)),--upgrade,$(foreach p,$(UPGRADE),--upgrade-package $(p)))
lock: install
	$(LOCK) -o requirements/prod.txt
	$(LOCK) --extra dev -c requirements/prod.txt -o requirements/dev.txt

# The sandbox LMS is on this machine over http: its Dynamic Registration needs both LTI_ switches.
demo: install
	LMS_SANDBOX=1 DEBUG=1 $(BIN)/python manage.py migrate --noinput
	LMS_SANDBOX=1 LTI_ALLOW_HTTP_PLATFORMS=1 DEBUG=1 PUBLIC_BASE_URL=http://127.0.0.1:$(PORT) \
	  $(BIN)/python manage.py seed_demo
	LMS_SANDBOX=1 DEBUG=1 PUBLIC_BASE_URL=http://127.0.0.1:$(PORT) LTI_ALLOW_HTTP_PLATFORMS=1 \
	  LTI_PRIVATE_NETWORK_PLATFORMS=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# pytest-xdist: one process per core and one more (TEST_WORKERS=0 runs in this process): the
# tests still wait on Chromium and on their servers part of the time, and the extra process
# keeps both cores busy then (ADR 0079: 227 s with 2 on 2 cores, 205 s with 3, 210 s with 4).
# Each has its own test database and Redis database (config/settings_test.py). Tests marked
# xdist_group run together.
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print((os.cpu_count() or 1) + 1)')
test: install
	LMS_SANDBOX=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The same suite with twenty times the property tests' examples (tests/hypothesis_profiles.py,
# ADR 0069): after a change to the canonicalizer, the schema check or the rubric evaluation.
test-deep: install
	HYPOTHESIS_PROFILE=deep $(MAKE) test

# lint-imports checks the layers of ADR 0005 (contracts in pyproject.toml); mypy's settings
# (strict pure cores, django-stubs) are in pyproject.toml too, its cache under var/.
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# After changing user-facing strings (ADR 0063): refresh locale/*/django.po from the code and
# templates, translate the new entries (German and Spanish), then compile the .mo files, which
# are committed. Needs GNU gettext; nothing else does. tests/i18n/test_catalogs.py runs the
# same makemessages arguments (MESSAGES_ARGS there) to see the catalogs are current.
MESSAGES_ARGS := --all --add-location=file --no-obsolete --no-wrap --ignore=.venv --ignore=tests \
	--ignore=lms_sandbox --ignore=demo --ignore=bench --ignore=docs --ignore=var
messages: install
	$(BIN)/python manage.py makemessages $(MESSAGES_ARGS)
	@# The creation date would differ in every branch that adds a string (a merge conflict
	@# each time) and says nothing the history does not.
	sed -i '/^"POT-Creation-Date: /d' locale/*/LC_MESSAGES/django.po
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var

# The README's screenshots (docs/images), taken in Chromium by the every-page sweep at 390 and
# 1280 px (tests/pages/screenshots.py names them and keeps each PNG small).
screenshots: install
	SCREENSHOTS_DIR=docs/images LMS_SANDBOX=1 $(BIN)/python -m pytest \
	  tests/pages/test_every_page.py -k "fits_and_works and not german"

bench: install
	@set -e; for script in bench/*.py; do echo "== $$script"; LMS_SANDBOX=1 $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) var
