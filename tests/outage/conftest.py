"""Fixtures of the outage tests: a redis-server of the test's own, and the tool on it.

Skipped when redis-server is not installed, unless REQUIRE_SERVICES=1 (CI), where it fails.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.conftest import _missing

from .services import RedisServer, celery_broker, fallback_caches


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if not binary:
        _missing("redis-server")
    server = RedisServer(binary, data_dir=str(tmp_path))
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def redis_backed(redis_server, settings, transactional_db) -> Iterator[RedisServer]:
    """The tool's cache and broker on `redis_server`, as production configures them."""
    from django.core.cache import caches
    from django.core.management import call_command

    from config import cache_fallback

    settings.REDIS_URL = redis_server.url
    settings.CACHES = fallback_caches(redis_server.url)
    settings.CELERY_BROKER_URL = redis_server.url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    call_command("createcachetable", verbosity=0)  # the test database may lack it (SQLite)
    # The cache table is no model: a transactional test's flush leaves its rows to the next.
    caches["database"].clear()
    cache_fallback._HEALTH.clear()
    with celery_broker(redis_server.url):
        yield redis_server
    caches["database"].clear()
    cache_fallback._HEALTH.clear()
