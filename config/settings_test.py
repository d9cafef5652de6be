"""Test settings: the sandbox LMS is on; services come from the environment like anywhere else."""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("LMS_SANDBOX", "1")
# The sandbox LMS and the test platforms are served over http by the live server.
os.environ.setdefault("LTI_ALLOW_HTTP_PLATFORMS", "1")


def redis_url_of_xdist_worker(url: str, worker: str) -> str:
    """The Redis URL of pytest-xdist worker `worker` ("gw0", "gw1", ...): the database index
    of `url` plus the worker's number.

    Each worker needs a Redis database of its own, not a key prefix: tests clear the cache
    (FLUSHDB) between tests, and the Celery broker's queue lives in the same database, so a
    shared one would let a worker wipe or take another's entries and tasks.
    """
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    index = base + int(worker.removeprefix("gw"))
    if index > 15:  # redis-server's default `databases 16`
        raise RuntimeError(
            f"xdist worker {worker} would need Redis database {index} (REDIS_URL {url}): "
            "use a lower base database or fewer workers"
        )
    return urlunsplit(parts._replace(path=f"/{index}"))


# The test database is per xdist worker already (pytest-django appends _gwN to its name).
# The shifted URL is left in the environment, marked, so that processes the tests start (a
# Celery worker, a management command) use the same database and never shift it twice.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if (
    _XDIST_WORKER
    and os.environ.get("REDIS_URL")
    and os.environ.get("REDIS_URL_XDIST_WORKER") != _XDIST_WORKER
):
    os.environ["REDIS_URL"] = redis_url_of_xdist_worker(os.environ["REDIS_URL"], _XDIST_WORKER)
    os.environ["REDIS_URL_XDIST_WORKER"] = _XDIST_WORKER

from .settings import *  # noqa: E402,F403

# django-axes logs a line at every start; in a test run it lands between pytest's own output.
AXES_VERBOSE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A refused LMS call is retried after a real, jittered backoff (lti_tool.services.transport);
# tests keep the schedule and its bounds but at a fiftieth of the waits, or every test whose
# LMS refuses a few times would sleep for seconds. What the LMS itself asks (Retry-After,
# Canvas's leaky bucket) is still waited for in full.
LTI_SERVICE_BACKOFF_BASE_S = 0.01
LTI_SERVICE_BACKOFF_MAX_S = 0.05
if not REDIS_URL:  # noqa: F405
    # One test process: a per-process cache keeps tests independent of a cache table.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# Tests run tasks in-process unless the `celery_worker` fixture starts a real worker;
# a worker process itself (CELERY_WORKER=1) must of course consume from the broker.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_WORKER") != "1"

# Tests render pages without running collectstatic first: plain static names. The hashed,
# compressed storage of production is tested on its own (tests/test_static_serving.py).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise reads STATIC_ROOT at start and warns when it is missing: tests leave it empty (the
# live server serves static files from the finders), but it exists.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
