"""A Redis of the test's own (a real `redis-server` on a free loopback port) that a test can
kill and restart, and the settings that point the tool's cache and Celery broker at one."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests.celery_conf import celery_conf


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """One redis-server process; `kill()` and `start()` again on the same port."""

    def __init__(self, binary: str, data_dir: str = "") -> None:
        self.binary = binary
        self.data_dir = data_dir  # where `save()` writes the snapshot a restart loads
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                *(["--dir", self.data_dir, "--dbfilename", "dump.rdb"] if self.data_dir else []),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.ping():
                return
            if self.proc.poll() is not None:
                pytest.fail(f"redis-server exited at start (port {self.port})")
            time.sleep(0.05)
        pytest.fail("redis-server did not answer within 10 s")

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.2).ping())
        except redis.exceptions.RedisError:
            return False

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def save(self) -> None:
        import redis

        redis.Redis(port=self.port).save()

    def keys(self, pattern: str) -> list[bytes]:
        import redis

        return redis.Redis(port=self.port).keys(pattern)


def fallback_caches(url: str, *, retry_after_s: float = 0.5) -> dict:
    """The production CACHES with Redis at `url` (config/settings.py builds the same shape)."""
    return {
        "default": {
            "BACKEND": "config.cache_fallback.FallbackCache",
            "OPTIONS": {
                "PRIMARY": "redis",
                "FALLBACK": "database",
                "RETRY_AFTER_S": retry_after_s,
                "SINGLE_USE_PREFIXES": ["qa-handoff-used:"],
            },
        },
        "redis": {
            "BACKEND": "config.redis_cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 1.0},
        },
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "credbridge_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }


@contextlib.contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Tasks are sent to the broker at `url` (not run in-process) inside the block."""
    with celery_conf(broker_url=url, task_always_eager=False):
        yield
