"""Shared fixtures: real services when configured, a real Celery worker, real Chromium.

A test that needs PostgreSQL, Redis, a Celery worker or Chromium is skipped when the
service is absent, unless REQUIRE_SERVICES=1 (CI), where it fails instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser import browser_page, chromium  # noqa: F401 - fixtures
from tests.cache_health import forget_cache_health
from tests.celery_conf import celery_conf
from tests.celery_worker import start_worker, stop_worker, wait_until_answers, worker_log_tail
from tests.evidence_storage import evidence_storage  # noqa: F401 - fixtures
from tests.flush_without_post_migrate import _flush_restores_content_types  # noqa: F401
from tests.hypothesis_profiles import PROFILE as HYPOTHESIS_PROFILE  # noqa: F401 - loads it
from tests.migrated_db_cache import MigrateFromCopy
from tests.rsa_key_pool import _rsa_keys_from_the_pool, rsa_key_pool  # noqa: F401 - fixtures

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def pytest_configure(config: pytest.Config) -> None:
    # A plugin object, not a hook of this conftest: a conftest's hooks apply to its folder's
    # nodes, and the session-scoped database setup belongs to the session.
    config.pluginmanager.register(MigrateFromCopy(), "migrated-db-cache")


def _missing(what: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


def _redis_ok() -> bool:
    if not settings.REDIS_URL:
        return False
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping()
        return True
    except Exception:
        return False


@pytest.fixture(autouse=True)
def _service_markers(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and (
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    ):
        _missing("PostgreSQL (DATABASE_URL)")
    if request.node.get_closest_marker("redis") and not _redis_ok():
        _missing("Redis (REDIS_URL)")


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request leaves its language active in the thread (LocaleMiddleware and the launch's
    locale activate it; nothing deactivates it, the next request chooses again). Tests share
    the thread: each starts, and ends, in the source language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Each test starts with an empty cache, and with Redis presumed up and the database cache
    presumed empty.

    Behind FallbackCache (CI: Redis first, the database second) the process remembers what an
    earlier test left: Redis presumed down after a hiccup, or the database table holding live
    entries (a spent QA handoff code is recorded there for two minutes, and a cache miss looks
    at the table). Remembered, it sends the next test's `clear` to the table, which a test
    without the database may not touch: that test fails, and so does every later one on that
    worker, since the failing clear never gets to forget. A test that needs those states sets
    them itself (tests/outage)."""
    from django.core.cache import cache

    forget_cache_health()
    cache.clear()


@pytest.fixture
def celery_worker_app() -> str:
    """The module `celery -A` loads in the worker; a test overrides it to inject faults."""
    return "config"


@pytest.fixture
def celery_worker(transactional_db, live_server, celery_worker_app, tmp_path):
    """A real `celery worker` process on the test database, with tasks no longer eager.

    Needs PostgreSQL and Redis: the worker is another process and must see committed data.
    The worker's log (every task received, retried, failed or done) is printed at teardown,
    which pytest shows only for a test that failed.
    """
    from django.db import connection

    if connection.vendor != "postgresql" or not _redis_ok():
        _missing("PostgreSQL + Redis for a Celery worker")
    # Drop stale messages from earlier runs so the worker only sees this test's tasks.
    import redis

    redis.Redis.from_url(settings.REDIS_URL).delete(settings.CELERY_TASK_DEFAULT_QUEUE)
    log_path = tmp_path / "celery-worker.log"
    with open(log_path, "w") as log:
        proc = start_worker(
            redis_url=settings.REDIS_URL,
            public_base_url=live_server.url,
            concurrency=2,
            app=celery_worker_app,
            log=log,
        )
        try:
            with celery_conf(task_always_eager=False):
                wait_until_answers(proc)
                yield proc
        finally:
            stop_worker(proc)
            print("--- the celery worker's log, last lines ---")
            print(worker_log_tail(log_path))


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        _missing("Chromium (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def page_chromium_path(chromium_path: str) -> str:
    """The browser tests' Chromium: Debian's chromium-headless-shell, the headless build of the
    same Chromium (the one Playwright itself runs for headless tests), when it is installed,
    else the full one. It renders and runs scripts as Chromium does, without the desktop
    browser's shell, for about 40% less CPU per page. Told to block third-party cookies
    (tests/browser.py), as the full one does. The cookieless-launch tests
    (tests/lti_tool/test_cookieless_launch.py) keep the full Chromium with a profile of its
    own: what they test is the desktop browser's cookie settings."""
    path = os.environ.get("CHROMIUM_HEADLESS_SHELL_PATH") or shutil.which("chromium-headless-shell")
    if path and Path(path).exists():
        return path
    if REQUIRE_SERVICES:
        _missing("chromium-headless-shell (apt-get install chromium-headless-shell)")
    return chromium_path


@pytest.fixture(scope="session")
def live_server(request, django_db_setup):
    """pytest-django's live server (same address options), on a server that finishes its
    request threads before it stops (tests/live_server.py says why).

    It stops before the test database is dropped (hence `django_db_setup`): a request thread
    still waiting on a keep-alive connection holds a PostgreSQL session, and the database
    cannot be dropped while one is open."""
    from tests.live_server import start_live_server

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = start_live_server(addr)
    yield server
    server.stop()
