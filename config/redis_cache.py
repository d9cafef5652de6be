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

from django.core.cache.backends.base import DEFAULT_TIMEOUT
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

    def add_and_delete(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, *, delete: str, version=None
    ) -> bool:
        """`add(key)`, and `delete` removed whatever the add answers, in one round trip (a
        pipeline of SET NX and DEL; ADR 0080: a login's nonce marked used and its state
        deleted). True if `key` was added."""
        timeout = self.get_backend_timeout(timeout)
        if timeout == 0:  # Django's add of an already expired entry: as two calls
            added = self.add(key, value, timeout, version=version)
            self.delete(delete, version=version)
            return added
        key = self.make_and_validate_key(key, version=version)
        other = self.make_and_validate_key(delete, version=version)
        # Django's client and serializer (private, so not in its type stubs), as its add uses.
        backend = self._cache  # type: ignore[attr-defined]
        pipeline = backend.get_client(key, write=True).pipeline(transaction=False)
        pipeline.set(key, backend._serializer.dumps(value), ex=timeout, nx=True)
        pipeline.delete(other)
        added, _ = pipeline.execute()
        return bool(added)
