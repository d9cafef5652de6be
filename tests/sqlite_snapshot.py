"""A world built once per test module and handed to each test as a fresh copy.

Some live-server tests each build the same world over real HTTP (a Dynamic Registration, a
seeded course, launches, a credential set up, a sync) before the few steps they are about:
that build was most of their CPU. Here the first test that asks for a world builds it the
same way and keeps a copy of the whole in-memory SQLite database (SQLite's backup API);
every later test of the module gets that copy back (a few milliseconds) before it starts,
then mutates it as it likes: the `transactional_db` flush after the test throws its changes
away, and the next test gets the copy again. So each test still starts from exactly the
state the build leaves, as if it had built it itself.

What lives outside the database is set back as a fresh build would find it: the cache is
emptied (the autouse fixture does it before each test), the sandbox's Canvas throttle buckets
emptied, and the RSA key pool moved past the keys the build took, so a key a test makes is
still distinct from the world's. PostgreSQL (CI) has no such copy: there every test builds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tests.rsa_key_pool import RSAKeyPool


class Worlds:
    """The module's kept worlds: key -> (database copy, what the build returned, keys taken)."""

    def __init__(self, pool: RSAKeyPool) -> None:
        self._pool = pool
        self._kept: dict[Any, tuple[sqlite3.Connection, Any, dict]] = {}

    def get(self, key: Any, build: Callable[[], Any]) -> Any:
        """The world `key`: built by `build()` the first time, restored from its copy after.

        What `build` returns is handed to every test: plain values (primary keys) where a test
        changes model instances (the next test must not see that), instances where the tests
        only read them."""
        from django.db import connection

        from lms_sandbox.flavours.canvas_throttle import reset_buckets

        if connection.vendor != "sqlite" or not connection.is_in_memory_db():
            return build()
        if key in self._kept:
            copy, built, taken = self._kept[key]
            connection.ensure_connection()
            copy.backup(connection.connection)
            reset_buckets()
            self._pool.restart(at=taken)  # the keys in the copy are taken: a new one is another
            return built
        built = build()
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        self._kept[key] = (copy, built, self._pool.position())
        return built

    def close(self) -> None:
        for copy, _built, _taken in self._kept.values():
            copy.close()


@contextmanager
def kept_worlds(rsa_key_pool: RSAKeyPool) -> Iterator[Worlds]:
    """For a module-scoped fixture: the module's worlds, their copies closed at its end."""
    kept = Worlds(rsa_key_pool)
    try:
        yield kept
    finally:
        kept.close()
