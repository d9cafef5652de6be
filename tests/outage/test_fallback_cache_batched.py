"""The fallback cache's one-round-trip calls (ADR 0080) answer as the calls they replace,
with Redis up, down and back: `get_many` (a page's launch and framing list) as `get` key by
key, `add_and_delete` (a login's nonce marked used, its state deleted) as `add` then
`delete`. Against a real redis-server and the database cache, as tests/outage does."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches

from config.cache_fallback import add_and_delete

from .test_fallback_cache import back_on_redis

pytestmark = pytest.mark.django_db(transaction=True)


def test_get_many_reads_redis_then_what_the_outage_left_in_the_database(redis_backed):
    cache.set("launch-ctx:a", {"roles": ["learner"]}, 600)
    cache.set("frame", "'self'", 600)
    assert cache.get_many(["launch-ctx:a", "frame", "absent"]) == {
        "launch-ctx:a": {"roles": ["learner"]},
        "frame": "'self'",
    }
    redis_backed.kill()
    cache.set("launch-ctx:during", 1, 600)  # only in the database
    assert cache.get_many(["launch-ctx:during", "launch-ctx:a"]) == {"launch-ctx:during": 1}
    redis_backed.start()  # empty: --save ''
    back_on_redis()
    cache.set("frame", "'self' https://lms", 600)
    # Redis answers for what it holds; the database for the key Redis misses.
    assert cache.get_many(["launch-ctx:during", "frame"]) == {
        "launch-ctx:during": 1,
        "frame": "'self' https://lms",
    }


def test_add_and_delete_answers_as_add_then_delete(redis_backed):
    cache.set("state", "s", 600)
    assert add_and_delete(cache, "used:n", 1, 600, delete="state") is True
    assert cache.get("used:n") == 1 and cache.get("state") is None
    assert redis_backed.keys("*used:n") and not redis_backed.keys("*state")
    cache.set("state", "s", 600)
    # Already used: refused, and the other key is deleted all the same.
    assert add_and_delete(cache, "used:n", 2, 600, delete="state") is False
    assert cache.get("used:n") == 1 and cache.get("state") is None


def test_add_and_delete_across_an_outage(redis_backed):
    cache.set("state", "s", 600)
    redis_backed.save()
    redis_backed.kill()
    assert add_and_delete(cache, "used:n", 1, 600, delete="state") is True
    assert caches["database"].get("used:n") == 1
    assert add_and_delete(cache, "used:n", 1, 600, delete="state") is False
    redis_backed.start()  # the snapshot brings "state" back
    assert redis_backed.keys("*state")
    back_on_redis()
    # The marker written during the outage still counts, and the missed delete is replayed.
    assert add_and_delete(cache, "used:n", 1, 600, delete="other") is False
    assert cache.get("state") is None and not redis_backed.keys("*state")


def test_add_and_delete_on_another_cache_is_add_then_delete(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    local = caches["default"]
    local.set("state", "s", 600)
    assert add_and_delete(local, "used:n", 1, 600, delete="state") is True
    assert local.get("state") is None
    assert add_and_delete(local, "used:n", 1, 600, delete="state") is False
