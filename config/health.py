"""Readiness: each dependency (database, cache, broker) is checked and named in the answer.

200 when all answer; 503 naming the one that does not. A Redis outage degrades the tool (the
cache falls back to the database, tasks wait for beat), and this is where it shows: a load
balancer or operator sees 503 with `"cache": "error: ..."` while pages keep working.
Every check has a short timeout, so a dead dependency cannot stall the probe.

Each check goes over a connection the process keeps, as a page's queries and cache reads do:
the database's, the cache's pool, and one broker client per process. A probe that opened a
new Redis connection each time paid for a TCP handshake, a HELLO and redis-py reading its own
package metadata for CLIENT SETINFO: about two thirds of the probe's CPU (cProfile of
`bench/launch.py`'s server), none of it telling whether the broker answers.
"""

from __future__ import annotations

from functools import lru_cache

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection

from .cache_fallback import FallbackCache

CHECK_TIMEOUT_S = 1.0
OK = "ok"


def _error(exc: BaseException) -> str:
    # The exception's type only: messages can carry hosts and credentials from URLs.
    return f"error: {type(exc).__name__}"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return _error(exc)
    return OK


def check_cache() -> str:
    """The configured cache itself: behind the fallback, Redis must answer a PING."""
    cache = caches["default"]
    try:
        if isinstance(cache, FallbackCache):
            # RedisCache's client is private (not in django-stubs); a PING needs it.
            cache.primary._cache.get_client(write=True).ping()  # type: ignore[attr-defined]
        else:
            cache.set("healthz", "1", 10)
            if cache.get("healthz") != "1":
                return "error: value not kept"
    except Exception as exc:  # noqa: BLE001
        if isinstance(cache, FallbackCache):
            return _error(exc) + " (serving from the database)"
        return _error(exc)
    return OK


@lru_cache(maxsize=4)
def _broker_client(url: str) -> redis.Redis:
    """The process's client of the broker at `url` (its pool keeps the connection between
    probes; redis-py opens a new one after a fork, and after a connection that failed)."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=CHECK_TIMEOUT_S,
        socket_timeout=CHECK_TIMEOUT_S,
        client_name="credbridge-healthz",  # named in CLIENT LIST, for operators
    )


def check_broker() -> str:
    url = str(getattr(settings, "CELERY_BROKER_URL", "") or "")
    if not url or url.startswith("memory://") or settings.CELERY_TASK_ALWAYS_EAGER:
        return "ok (tasks run in-process)"
    try:
        if url.startswith(("redis://", "rediss://", "unix://")):
            _broker_client(url).ping()
        else:
            with Connection(url, connect_timeout=CHECK_TIMEOUT_S) as conn:
                conn.ensure_connection(max_retries=1)
    except Exception as exc:  # noqa: BLE001
        return _error(exc)
    return OK


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
    healthy = all(value.startswith(OK) for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
