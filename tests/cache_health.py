"""What a test process remembers of FallbackCache's health, forgotten between tests."""

from __future__ import annotations

from config import cache_fallback


def forget_cache_health() -> None:
    """Redis presumed up, the database cache presumed empty, no delete waiting for Redis: the
    state of a process that just started (config/cache_fallback.py keeps it per process)."""
    for health in cache_fallback._HEALTH.values():
        with health.lock:
            health.down_until = 0.0
            health.fallback_live_until = 0.0
            health.pending_deletes.clear()
