"""Django's Redis cache with one `redis.Redis` client per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call, and
redis-py's constructor fills its table of some 170 response callbacks each time: about
0.17 ms of CPU per call, and a launch makes several (login state, nonce, key set, launch
context). A `redis.Redis` holds no connection of its own (each command borrows one from the
pool and returns it), so the one built for a pool serves every later call on that pool.
Pools, timeouts, serialisation and the errors an unreachable Redis raises stay Django's and
redis-py's, so the fallback to the database cache (config/cache_fallback.py) sees the same.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as _DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as _DjangoRedisCacheClient


class RedisCacheClient(_DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}  # id(pool) -> redis.Redis; pools live as long

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own (private, so not in its type stubs) pool choice and client class.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(_DjangoRedisCache):
    """settings.CACHES's `redis` backend: Django's, with the client above."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
