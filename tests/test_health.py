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


@pytest.mark.redis
def test_healthz_pings_the_broker_over_a_kept_connection(client, settings):
    """Probes every few seconds from a load balancer must not open a connection each."""
    from config import health

    settings.CELERY_BROKER_URL = settings.REDIS_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert client.get("/healthz").json()["checks"]["broker"] == "ok"
    kept = health._broker_client(settings.REDIS_URL)
    connection_id = kept.client_id()  # the server's id of the connection the probe used
    for _ in range(20):
        assert client.get("/healthz").json()["checks"]["broker"] == "ok"
    assert kept.client_id() == connection_id
    assert kept.connection_pool._created_connections == 1  # redis-py's own count


@pytest.mark.redis
def test_healthz_reconnects_when_the_kept_broker_connection_was_dropped(client, settings):
    """Redis restarted, or a proxy closed the idle connection: the next probe says ok."""
    import redis

    settings.CELERY_BROKER_URL = settings.REDIS_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert client.get("/healthz").json()["checks"]["broker"] == "ok"
    server = redis.Redis.from_url(settings.REDIS_URL)
    probes = [c for c in server.client_list() if c.get("name") == "credbridge-healthz"]
    assert probes, "the probe's connection is named and kept"
    for probe in probes:
        server.client_kill_filter(_id=probe["id"])
    assert client.get("/healthz").json()["checks"]["broker"] == "ok"
