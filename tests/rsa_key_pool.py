"""RSA key generation in tests, from a pool of real keys made once per test process.

Generating a 2048-bit RSA key costs 40-200 ms, and almost every test makes one or more: the
tool's signing key, a sandbox platform's, a fake LMS's. While a test runs,
`rsa.generate_private_key` hands out the pool's keys in order, making a new key (of the size
and exponent asked for) only when the pool has none left; every test starts again at the first.
So within a test every key is still new and distinct (a rotation, a second platform, an
attacker's key); across tests keys repeat, which nothing can observe, since the test database
and caches do not carry over from one test to the next. A key made at a module's top level (a
test double's, imported during some test) lives as long as the process: it is never the pool's.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa


class RSAKeyPool:
    def __init__(self, generate: Any) -> None:
        self._generate = generate
        self._lock = threading.Lock()  # live-server threads generate keys too
        self._keys: dict[tuple[int, int], list[rsa.RSAPrivateKey]] = {}
        self._taken: dict[tuple[int, int], int] = {}

    def restart(self, at: dict[tuple[int, int], int] | None = None) -> None:
        """Hand out the pool's keys from the first again, or from `at` (a `position()`:
        the keys a kept test world already holds, tests/sqlite_snapshot.py)."""
        with self._lock:
            self._taken.clear()
            self._taken.update(at or {})

    def position(self) -> dict[tuple[int, int], int]:
        """How many keys of each kind were handed out since the last restart."""
        with self._lock:
            return dict(self._taken)

    def generate_private_key(
        self, public_exponent: int, key_size: int, backend: Any = None
    ) -> rsa.RSAPrivateKey:
        if sys._getframe(1).f_code.co_name == "<module>":
            return self._generate(public_exponent=public_exponent, key_size=key_size)
        kind = (public_exponent, key_size)
        with self._lock:
            keys = self._keys.setdefault(kind, [])
            taken = self._taken.get(kind, 0)
            if taken == len(keys):
                keys.append(self._generate(public_exponent=public_exponent, key_size=key_size))
            self._taken[kind] = taken + 1
            return keys[taken]


@pytest.fixture(scope="session")
def rsa_key_pool() -> Iterator[RSAKeyPool]:
    pool = RSAKeyPool(rsa.generate_private_key)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rsa, "generate_private_key", pool.generate_private_key)
        yield pool


@pytest.fixture(autouse=True)
def _rsa_keys_from_the_pool(rsa_key_pool: RSAKeyPool) -> None:
    rsa_key_pool.restart()
