"""config.redis_cache: Django's Redis cache, one client object per pool, same answers."""

import pytest
from django.conf import settings

from config.redis_cache import RedisCache

pytestmark = pytest.mark.redis


def _backend() -> RedisCache:
    return RedisCache(settings.REDIS_URL, {"OPTIONS": {"socket_timeout": 1.0}})


def test_the_deployed_redis_cache_is_this_backend():
    assert settings.CACHES["redis"]["BACKEND"] == "config.redis_cache.RedisCache"


def test_calls_share_one_client_and_answer_as_before():
    cache = _backend()
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=False) is client  # one server: one pool, one client
    cache.delete("redis-cache-test")
    assert cache.add("redis-cache-test", {"a": 1}, 30) is True
    assert cache.add("redis-cache-test", {"a": 2}, 30) is False  # single use stays single use
    assert cache.get("redis-cache-test") == {"a": 1}
    assert cache.delete("redis-cache-test") is True
    assert cache.get("redis-cache-test", "gone") == "gone"


def test_a_client_survives_its_connection_being_dropped():
    """Redis closing the connection (a restart) costs no more than Django's own client."""
    cache = _backend()
    cache.set("redis-cache-test", 1, 30)
    client = cache._cache.get_client(write=True)
    client.client_kill_filter(_id=client.client_id())
    assert cache.get("redis-cache-test") == 1  # the pool reconnects on the next command
    assert cache._cache.get_client(write=True) is client
    cache.delete("redis-cache-test")
