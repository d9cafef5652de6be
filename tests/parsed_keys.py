"""Each RSA private key's PEM parsed once per test module, not once per test.

The tests' RSA keys come from a pool and repeat from test to test (tests/rsa_key_pool.py),
but each test stores them encrypted anew, so the key caches of lti_tool.keys and
lms_sandbox.keys (by ciphertext) miss, and the same PEM is parsed again: `cryptography`
checks an RSA key's numbers while parsing it, about 50 ms of CPU each time, half of what
the sync tests spent. Here the parse of PEM bytes seen before in the module returns the key
the first parse gave (an equal key of the same bytes). New bytes, a password, any other
argument, or bytes that failed to parse take the real parse every time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization


@contextmanager
def pem_keys_parsed_once() -> Iterator[None]:
    parse = serialization.load_pem_private_key
    parsed: dict[bytes, Any] = {}
    lock = threading.Lock()  # live-server threads load keys too

    def load_pem_private_key(data: bytes, password: bytes | None = None, **kwargs: Any) -> Any:
        if password is not None or kwargs:
            return parse(data, password, **kwargs)
        key = bytes(data)
        with lock:
            known = parsed.get(key)
        if known is None:
            known = parse(data, None)
            with lock:
                parsed[key] = known
        return known

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(serialization, "load_pem_private_key", load_pem_private_key)
        yield
