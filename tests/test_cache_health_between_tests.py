"""A test without the database starts clean whatever the test before it left in FallbackCache.

In CI's run (Redis first, the database second) a test that spent a QA handoff code and then
missed the cache left the process believing the database cache held live entries; every later
test without the database had its `cache.clear()` sent to the table and failed at setup.
"""

from __future__ import annotations

import time

import pytest

from tests.cache_health import forget_cache_health
from tests.outage.services import fallback_caches


@pytest.mark.redis
def test_a_remembered_fallback_is_forgotten_before_the_next_test_clears(settings):
    from django.core.cache import caches

    from config import cache_fallback

    settings.CACHES = fallback_caches(settings.REDIS_URL)
    cache = caches["default"]
    assert isinstance(cache, cache_fallback.FallbackCache)
    cache.get("probe")  # Redis answers: the health entry exists
    health = cache._health
    # What an earlier test leaves: the table looked live, a delete waits for Redis.
    health.fallback_live_until = time.monotonic() + 120
    health.pending_deletes.append(("left-by-another-test", None))
    with pytest.raises(RuntimeError, match="Database access not allowed"):
        cache.clear()  # the table, which this test may not touch

    health.fallback_live_until = time.monotonic() + 120
    health.down_until = time.monotonic() + 5
    forget_cache_health()
    cache.clear()  # Redis alone
    assert not cache.primary_is_down()
    assert not health.pending_deletes
    cache.set("after", 1)
    assert cache.get("after") == 1
