"""A cache that keeps answering when Redis does not: Redis first, the database cache second.

Launch state (OIDC login records, nonce markers, launch contexts) lives in the cache, so a
Redis outage would otherwise stop every launch, and every page that reads the cache would
answer 500. `FallbackCache` wraps two configured caches (settings.CACHES: `PRIMARY`, Redis;
`FALLBACK`, Django's database cache) and sends each call to Redis unless Redis failed within
the last `RETRY_AFTER_S` seconds; a call that fails on Redis is answered by the database.
Redis's client is configured with short socket timeouts, so a dead Redis costs one refused
(or timed-out) connection per process every few seconds, not seconds per request.

Correctness across a switch (ADR 0050 explains the choices):

- Reads: a Redis miss consults the database only while the database may hold live entries
  (this process wrote there, or a periodic look at the table's latest expiry says so), so a
  healthy Redis costs no database query per miss.
- `add` (the single-use primitive: nonces, locks) always asks the database first whether the
  key is there, so a nonce marked used during an outage stays used after Redis returns.
- A nonce marked used in Redis before Redis died cannot be replayed during the outage: its
  login record was deleted from Redis in the same request and never existed in the database,
  so the replay is refused as an unknown login state. Logins and launch pages started just
  before the outage therefore need a fresh launch — the degradation we accept.
- A single-use marker that nothing else guards (a spent QA handoff code: the code itself is a
  self-contained signed value) names its prefix in `SINGLE_USE_PREFIXES`: its `add` is decided
  by the database in every state of Redis, so Redis dying cannot forget that it was spent.
- A delete that Redis could not take is remembered (per process, bounded) and replayed on
  Redis once it answers again, so an entry removed during the outage does not come back.
- `get_many` and `add_and_delete` (ADR 0080) make one Redis round trip where Django's default
  would make one per key or call, and answer as those calls do in every state of Redis.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from datetime import UTC, datetime

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.db import BaseDatabaseCache
from django.db import DatabaseError, connections, router

log = logging.getLogger("credbridge.cache")

try:  # redis is a dependency, but the embedded default never imports it otherwise
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover
    RedisError = OSError  # type: ignore[assignment,misc]

# What a cache server that is down, restarting or unreachable raises.
PRIMARY_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError)
_MISSING = object()
_PENDING_DELETES_MAX = 10_000
FALLBACK_CHECK_S = 30.0


class _Health:
    """Process-wide state of one fallback cache (Django builds a backend per thread)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.fallback_live_until = 0.0
        self.fallback_checked_at = float("-inf")
        self.pending_deletes: deque[tuple[str, int | None]] = deque(maxlen=_PENDING_DELETES_MAX)


_HEALTH: dict[str, _Health] = {}
_HEALTH_LOCK = threading.Lock()


def _health_for(name: str) -> _Health:
    with _HEALTH_LOCK:
        return _HEALTH.setdefault(name, _Health())


class FallbackCache(BaseCache):
    def __init__(self, location: str, params: dict) -> None:
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self._primary_alias = options["PRIMARY"]
        self._fallback_alias = options["FALLBACK"]
        self._retry_after_s = float(options.get("RETRY_AFTER_S", 5))
        # Keys whose `add` the database decides, in every state of Redis (see `add`).
        self._single_use_prefixes = tuple(options.get("SINGLE_USE_PREFIXES", ()))
        self._health = _health_for(f"{self._primary_alias}->{self._fallback_alias}")

    @property
    def primary(self) -> BaseCache:
        return caches[self._primary_alias]

    @property
    def fallback(self) -> BaseCache:
        return caches[self._fallback_alias]

    # -- state ------------------------------------------------------------------------------

    def primary_is_down(self) -> bool:
        """True while this process treats the primary as down (no call is sent to it)."""
        return time.monotonic() < self._health.down_until

    def _primary_failed(self, exc: BaseException) -> None:
        health = self._health
        if not self.primary_is_down():
            log.warning(
                "cache %s unreachable (%s); serving from %s for %ss",
                self._primary_alias,
                type(exc).__name__,
                self._fallback_alias,
                self._retry_after_s,
            )
        health.down_until = time.monotonic() + self._retry_after_s

    def _replay_deletes(self) -> None:
        """Before anything else reaches a primary that is back: the deletes it missed."""
        health = self._health
        with health.lock:
            pending = list(health.pending_deletes)
            health.pending_deletes.clear()
        for done, (key, version) in enumerate(pending):
            try:
                self.primary.delete(key, version=version)
            except PRIMARY_ERRORS:
                health.pending_deletes.extend(pending[done:])
                raise

    def _wrote_fallback(self, timeout: object) -> None:
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.fallback.default_timeout
        # A cache timeout: None (forever) or a number of seconds, as Django's caches take it.
        seconds = 365 * 86400 if timeout is None else max(float(timeout), 0.0)  # type: ignore[arg-type]
        health = self._health
        health.fallback_live_until = max(health.fallback_live_until, time.monotonic() + seconds)

    def _fallback_may_hold_entries(self) -> bool:
        """Whether the database may hold live entries (written during an outage)."""
        health = self._health
        now = time.monotonic()
        if now < health.fallback_live_until:
            return True
        if now - health.fallback_checked_at < FALLBACK_CHECK_S:
            return False
        health.fallback_checked_at = now
        fallback = self.fallback
        if not isinstance(fallback, BaseDatabaseCache):
            health.fallback_live_until = float("inf")  # cannot tell: always look
            return True
        # Another process may have written there: the table's latest expiry tells how long.
        db = router.db_for_read(fallback.cache_model_class)
        # DatabaseCache keeps its table name private (not in django-stubs).
        table = connections[db].ops.quote_name(fallback._table)  # type: ignore[attr-defined]
        try:
            with connections[db].cursor() as cursor:
                cursor.execute(f"SELECT MAX(expires) FROM {table}")  # noqa: S608 - quoted name
                latest = cursor.fetchone()[0]
        except (DatabaseError, RuntimeError):
            # The database is unreachable too (or, under pytest-django, not allowed in this
            # test): nothing can be read from it, so Redis's answer stands.
            return False
        if latest is None:
            return False
        if isinstance(latest, str):  # SQLite without converters
            latest = datetime.fromisoformat(latest)
        if latest.tzinfo is None:
            latest = latest.replace(tzinfo=UTC)
        remaining = (latest - datetime.now(UTC)).total_seconds()
        if remaining > 0:
            health.fallback_live_until = now + remaining
            return True
        return False

    def _on_primary(self, call, *args, **kwargs):
        """(True, result) if the primary answered, (False, None) if it is down."""
        if self.primary_is_down():
            return False, None
        try:
            if self._health.pending_deletes:
                self._replay_deletes()
            result = call(*args, **kwargs)
        except PRIMARY_ERRORS as exc:
            self._primary_failed(exc)
            return False, None
        return True, result

    # -- the cache API ----------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        answered, value = self._on_primary(self.primary.get, key, _MISSING, version=version)
        if answered and (value is not _MISSING or not self._fallback_may_hold_entries()):
            return default if value is _MISSING else value
        return self.fallback.get(key, default, version=version)

    def get_many(self, keys, version=None):
        """Several entries in one Redis round trip (MGET) instead of Django's default, which
        asks key by key; the database is consulted as `get` does, for the keys Redis misses
        only, while it may hold entries (ADR 0080: a page's launch and framing reads)."""
        keys = list(keys)
        answered, found = self._on_primary(self.primary.get_many, keys, version=version)
        if not answered:
            return self.fallback.get_many(keys, version=version)
        missing = [key for key in keys if key not in found]
        if missing and self._fallback_may_hold_entries():
            found.update(self.fallback.get_many(missing, version=version))
        return found

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        answered, _ = self._on_primary(self.primary.set, key, value, timeout, version=version)
        if not answered:
            self.fallback.set(key, value, timeout, version=version)
            self._wrote_fallback(timeout)
        elif self._fallback_may_hold_entries():
            # An older value from an outage must not reappear when Redis evicts this one.
            self.fallback.delete(key, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        if key.startswith(self._single_use_prefixes):
            # A marker that nothing else guards (a spent handoff code): a Redis that dies takes
            # its markers with it, so the database records it always, and Redis mirrors it.
            added = self.fallback.add(key, value, timeout, version=version)
            if added:
                self._on_primary(self.primary.set, key, value, timeout, version=version)
            return added
        # Ask the database first: a key added there during an outage (a used nonce, a lock)
        # must still count once Redis is back.
        if self.fallback.has_key(key, version=version):
            return False
        answered, added = self._on_primary(self.primary.add, key, value, timeout, version=version)
        if answered:
            return bool(added)
        added = self.fallback.add(key, value, timeout, version=version)
        self._wrote_fallback(timeout)
        return added

    def add_and_delete(self, key, value, timeout=DEFAULT_TIMEOUT, *, delete, version=None) -> bool:
        """`add(key)` then `delete(delete)`, whatever the add answers, with one Redis round trip
        where the primary can (config.redis_cache) and the same answers as the two calls."""
        primary = self.primary
        if key.startswith(self._single_use_prefixes) or not hasattr(primary, "add_and_delete"):
            added = self.add(key, value, timeout, version=version)
            self.delete(delete, version=version)
            return added
        if self.fallback.has_key(key, version=version):  # as `add`: an outage's marker counts
            self.delete(delete, version=version)
            return False
        answered, added = self._on_primary(
            primary.add_and_delete, key, value, timeout, delete=delete, version=version
        )
        if not answered:
            self.delete(delete, version=version)  # remembered for Redis, removed here
            added = self.fallback.add(key, value, timeout, version=version)
            self._wrote_fallback(timeout)
            return added
        if self._fallback_may_hold_entries():  # as `delete`: an outage's copy goes too
            self.fallback.delete(delete, version=version)
        return bool(added)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        answered, touched = self._on_primary(self.primary.touch, key, timeout, version=version)
        if answered and (touched or not self._fallback_may_hold_entries()):
            return bool(touched)
        return self.fallback.touch(key, timeout, version=version)

    def delete(self, key, version=None) -> bool:
        answered, deleted = self._on_primary(self.primary.delete, key, version=version)
        if not answered:
            self._health.pending_deletes.append((key, version))
        if (
            not answered
            or key.startswith(self._single_use_prefixes)
            or self._fallback_may_hold_entries()
        ):
            deleted = self.fallback.delete(key, version=version) or bool(deleted)
        return bool(deleted)

    def incr(self, key, delta=1, version=None):
        # Redis increments atomically; the database cache's increment is read-then-write, so
        # counters (rate limits) are approximate while Redis is down.
        try:
            answered, value = self._on_primary(self.primary.incr, key, delta, version=version)
        except ValueError:  # not in Redis: perhaps in the database, from an outage
            if not self._fallback_may_hold_entries():
                raise
            answered, value = False, None
        if answered:
            return value
        # The key was written to the database by a set or add, which recorded how long it lives.
        return self.fallback.incr(key, delta, version=version)

    def clear(self) -> None:
        answered, _ = self._on_primary(self.primary.clear)
        # Only touch the database when this process knows it holds entries: clearing is what
        # tests do between cases, most of which have no database.
        if not answered or time.monotonic() < self._health.fallback_live_until:
            self.fallback.clear()
            self._health.fallback_live_until = 0.0
        self._health.pending_deletes.clear()

    def close(self, **kwargs) -> None:
        # Nothing of its own to close: Django closes the two configured caches itself.
        pass


def add_and_delete(cache: BaseCache, key: str, value, timeout, *, delete: str) -> bool:
    """`cache.add(key, ...)` and `cache.delete(delete)` (whatever the add answers): in one
    Redis round trip behind FallbackCache, as two calls on any other cache (tests, the
    embedded default)."""
    if isinstance(cache, FallbackCache):
        return cache.add_and_delete(key, value, timeout, delete=delete)
    added = cache.add(key, value, timeout)
    cache.delete(delete)
    return added
