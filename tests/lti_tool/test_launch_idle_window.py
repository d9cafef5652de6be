"""The launch a token names is forgotten TOKEN_IDLE_S after its last use; a use in the first
RENEW_AFTER_S needs no renewal (the landing page right after the launch writes nothing), and
a later use renews the whole window. Real cache, clock moved forward."""

import time

import pytest
from django.core.cache import cache, caches

from lti_tool import launch_context
from lti_tool.launch_context import (
    NO_LAUNCH,
    RENEW_AFTER_S,
    TOKEN_IDLE_S,
    LaunchContext,
    load_launch,
    start_launch_session,
)


@pytest.fixture
def clock(settings, monkeypatch):
    # The process's own cache, whose expiry reads time.time(): Redis (CI's cache) counts its
    # TTLs in real time, which a test cannot move forward. `settings` before `monkeypatch`, so
    # what a test patches on the cache is undone while that cache is still the default.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "launch-idle-window",
        }
    }
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])  # the cache reads this clock too
    cache.clear()
    return now


def _start() -> str:
    return start_launch_session(
        platform_id=1,
        deployment_id="d",
        context_id="c",
        course_id=1,
        user_sub="learner-1",
        learner_id=1,
    ).token


def test_a_use_right_after_the_launch_writes_nothing(clock, monkeypatch):
    token = _start()
    touched = []
    # The cache object itself, not Django's per-context proxy to it: what is patched on it is
    # undone on the same object.
    store = caches["default"]
    real_touch = store.touch
    monkeypatch.setattr(launch_context, "cache", store)
    monkeypatch.setattr(store, "touch", lambda *a: touched.append(a) or real_touch(*a))
    clock[0] += RENEW_AFTER_S - 1
    assert isinstance(load_launch(token), LaunchContext)
    assert touched == []
    clock[0] += 2  # now past RENEW_AFTER_S: renewed
    assert isinstance(load_launch(token), LaunchContext)
    assert len(touched) == 1


def test_a_launch_in_use_lives_its_idle_window_after_the_last_use(clock):
    token = _start()
    clock[0] += RENEW_AFTER_S - 1
    assert isinstance(load_launch(token), LaunchContext)  # not renewed...
    # ...and still alive until TOKEN_IDLE_S after the launch itself, RENEW_AFTER_S less at most.
    clock[0] += TOKEN_IDLE_S - RENEW_AFTER_S
    assert isinstance(load_launch(token), LaunchContext)  # renewed here
    clock[0] += TOKEN_IDLE_S - 1
    assert isinstance(load_launch(token), LaunchContext)
    clock[0] += TOKEN_IDLE_S + 1
    assert load_launch(token) is NO_LAUNCH
