"""The fallback cache's guarantees across a switch, against a real redis-server and the
database cache (config/cache_fallback.py, ADR 0050)."""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.core.cache import cache, caches

from lti_tool.login_state import begin_login, consume_nonce, load_login

pytestmark = pytest.mark.django_db(transaction=True)

RETRY_AFTER_S = 0.5  # tests/outage/services.py: fallback_caches()


def back_on_redis() -> None:
    time.sleep(RETRY_AFTER_S + 0.1)


def test_entries_written_during_the_outage_are_read_after_it(redis_backed):
    redis_backed.kill()
    cache.set("launch-ctx:during", {"roles": ["learner"]}, 600)
    assert cache.get("launch-ctx:during") == {"roles": ["learner"]}
    assert caches["database"].get("launch-ctx:during") == {"roles": ["learner"]}
    redis_backed.start()  # empty: --save ''
    back_on_redis()
    assert cache.get("launch-ctx:during") == {"roles": ["learner"]}
    cache.set("launch-ctx:after", 1, 600)
    assert (
        redis_backed.keys("*launch-ctx:after")
        and caches["database"].get("launch-ctx:after") is None
    )


def test_a_nonce_used_during_the_outage_stays_used_when_redis_is_back(redis_backed):
    record = begin_login(platform_id=1, target_link_uri="https://tool/lti/launch/", params={})
    redis_backed.kill()
    # The login began on Redis, so during the outage its state is unknown: a clear refusal.
    assert load_login(record.state) is None
    redis_backed.start()
    back_on_redis()
    redis_backed.kill()
    during = begin_login(platform_id=1, target_link_uri="https://tool/lti/launch/", params={})
    assert load_login(during.state) == during
    assert consume_nonce(record=during, nonce=during.nonce) is True
    assert consume_nonce(record=during, nonce=during.nonce) is False
    redis_backed.start()
    back_on_redis()
    assert load_login(during.state) is None
    assert consume_nonce(record=during, nonce=during.nonce) is False  # the marker is in the DB


def test_a_delete_redis_missed_is_replayed_when_it_answers_again(redis_backed):
    """Redis comes back with its data (a snapshot, as a persistent Redis does): an entry
    deleted during the outage must not come back with it."""
    cache.set("frame-ancestors", "https://old.example", 600)
    redis_backed.save()
    redis_backed.kill()
    cache.delete("frame-ancestors")
    assert cache.get("frame-ancestors") is None
    redis_backed.start()
    assert redis_backed.keys("*frame-ancestors"), "the snapshot brought it back"
    back_on_redis()
    assert cache.get("frame-ancestors") is None
    assert not redis_backed.keys("*frame-ancestors")


def test_an_unresponsive_redis_costs_a_socket_timeout_then_nothing(redis_backed):
    """Not refused but silent (a stopped process): each call waits at most socket_timeout,
    and only the first within RETRY_AFTER_S waits at all."""
    os.kill(redis_backed.proc.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        cache.set("k", 1, 60)
        first = time.monotonic() - started
        for _ in range(20):
            assert cache.get("k") == 1
        rest = time.monotonic() - started - first
    finally:
        os.kill(redis_backed.proc.pid, signal.SIGCONT)
    assert first < 2 and rest < 1, (first, rest)


def test_a_dead_redis_costs_milliseconds(redis_backed):
    redis_backed.kill()
    started = time.monotonic()
    for n in range(50):
        cache.set(f"k{n}", n, 60)
        assert cache.get(f"k{n}") == n
    # 100 calls on the database cache, Redis tried at most once per RETRY_AFTER_S.
    assert time.monotonic() - started < 5


def test_counters_fall_back_too(redis_backed):
    cache.set("attempts", 1, 600)
    assert cache.incr("attempts") == 2
    redis_backed.kill()
    cache.set("attempts", 5, 600)
    assert cache.incr("attempts") == 6
    redis_backed.start()
    back_on_redis()
    assert cache.incr("attempts") == 7  # Redis restarted empty: the database's count goes on


def test_a_value_written_during_the_outage_does_not_outlive_a_newer_one(redis_backed):
    redis_backed.kill()
    cache.set("jwks", "old keys", 600)  # into the database
    redis_backed.start()
    back_on_redis()
    cache.set("jwks", "new keys", 600)  # into Redis; the outage's copy goes
    redis_backed.kill()  # and Redis loses it again
    redis_backed.start()
    back_on_redis()
    assert cache.get("jwks") is None  # a miss, never the older value
