"""Test settings: the sandbox LMS is on; services come from the environment like anywhere else."""

import os

os.environ.setdefault("LMS_SANDBOX", "1")
# The sandbox LMS and the test platforms are served over http by the live server.
os.environ.setdefault("LTI_ALLOW_HTTP_PLATFORMS", "1")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
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
