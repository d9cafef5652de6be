"""/healthz names each dependency (database, cache, broker) and answers 503 when one fails.

The outage tests (tests/outage/) stop a real Redis under the running tool; these cover the
answer's shape and a dependency that is unreachable from the start, cheaply.
"""

import time

import pytest

from tests.outage.services import fallback_caches

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


def test_healthz_reports_each_dependency(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert body["checks"]["database"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_checks_the_embedded_database_cache(client, settings):
    from django.core.management import call_command

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "credbridge_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == "ok"


def test_healthz_names_an_unreachable_cache_and_broker_quickly(client, settings):
    from config import cache_fallback

    cache_fallback._HEALTH.clear()
    settings.CACHES = fallback_caches(DEAD_REDIS)
    settings.CELERY_BROKER_URL = DEAD_REDIS
    settings.CELERY_TASK_ALWAYS_EAGER = False
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("error: ConnectionError")
    assert body["checks"]["broker"].startswith("error: ConnectionError")
    # Hosts and credentials in the URLs stay out of the answer.
    assert "127.0.0.1" not in response.content.decode()
    cache_fallback._HEALTH.clear()


@pytest.fixture
def kept_broker_id(client, settings) -> int:
    """The real Redis as the broker, probed once: the server's id of the connection this
    process keeps for `/healthz` (asking runs CLIENT ID over it)."""
    from config import health

    settings.CELERY_BROKER_URL = settings.REDIS_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert client.get("/healthz").json()["checks"]["broker"] == "ok"
    return health._broker_client(settings.REDIS_URL).client_id()


@pytest.mark.redis
def test_healthz_pings_the_broker_over_a_kept_connection(client, settings, kept_broker_id):
    """Probes every few seconds from a load balancer must not open a connection each."""
    import redis

    kept = kept_broker_id
    for _ in range(20):
        assert client.get("/healthz").json()["checks"]["broker"] == "ok"
    (seen,) = redis.Redis.from_url(settings.REDIS_URL).client_list(client_id=[kept])
    # The server's view: the probes' PINGs came over that connection, named for operators.
    # Had each probe opened its own, the last command on it would still be CLIENT ID.
    assert (seen["cmd"], seen["name"]) == ("ping", "credbridge-healthz")


@pytest.mark.redis
def test_healthz_reconnects_when_the_kept_broker_connection_was_dropped(
    client, settings, kept_broker_id
):
    """Redis restarted, or a proxy closed the idle connection: the next probe says ok."""
    import redis

    from config import health

    dropped = kept_broker_id
    redis.Redis.from_url(settings.REDIS_URL).client_kill_filter(_id=dropped)
    assert client.get("/healthz").json()["checks"]["broker"] == "ok"
    assert health._broker_client(settings.REDIS_URL).client_id() != dropped
