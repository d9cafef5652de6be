"""Celery entry points of the sync (thin: the work is in `sync.py`).

`request_sync` is the one way to ask for a sync: a cache lock (Redis in production) keeps at
most one sync of a course queued or running; the task releases it when it ends. Without a
broker (the embedded default) Celery runs the task in-process, same code.
"""

from __future__ import annotations

import logging
import time
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import Course
from .sync_schedule import due_for_periodic_sync

log = logging.getLogger(__name__)

LOCK_TTL_S = 30 * 60  # a crashed worker's lock expires; a sync never takes this long
MAX_RETRIES = 4


def _lock_key(course_id: int) -> str:
    return f"assessments:sync-lock:{course_id}"


def _lock_value(trigger: str, token: str, *, scheduled: bool = False) -> str:
    # When the lock was taken travels with it: a dead run's lock can then be told from the
    # lock of a sync queued after that run started (see release_lock_of_dead_run). The token
    # says whose lock it is, so a task only ever releases its own; "scheduled:" marks a
    # periodic sync still waiting out its countdown, which a sync someone asks for may replace.
    return f"{SCHEDULED if scheduled else ''}{trigger}@{time.time():.3f}#{token}"


SCHEDULED = "scheduled:"


def _parse_lock(value: object) -> tuple[bool, float, str | None]:
    """(scheduled, taken_at, token) of a lock value; older values carry no token or time."""
    text = str(value)
    scheduled = text.startswith(SCHEDULED)
    text, _, token = text.partition("#")
    try:
        taken_at = float(text.rsplit("@", 1)[1])
    except (IndexError, ValueError):
        taken_at = 0.0
    return scheduled, taken_at, token or None


@contextmanager
def _swap_guard(course_id: int) -> Iterator[bool]:
    """A short mutex around read-compare-write of the lock (the cache has no compare-and-set):
    without it a request taking over a scheduled lock and the scheduled task starting at the
    same moment could both run. Yields False if it could not be had within about a second."""
    key = f"assessments:sync-lock-swap:{course_id}"
    for _ in range(50):
        if cache.add(key, "1", 10):
            try:
                yield True
            finally:
                cache.delete(key)
            return
        time.sleep(0.02)
    yield False


def sync_in_flight(*, course_id: int) -> bool:
    """A sync is queued to run now or running (a periodic one waiting its turn is not)."""
    value = cache.get(_lock_key(course_id))
    return value is not None and not _parse_lock(value)[0]


def release_lock_of_dead_run(*, course_id: int, started_at: datetime) -> bool:
    """Release the course's lock if it was taken before `started_at` (so by the dead run's
    request, not by a later one); True if released."""
    value = cache.get(_lock_key(course_id))
    if value is None:
        return False
    if _parse_lock(value)[1] > started_at.timestamp():
        return False
    cache.delete(_lock_key(course_id))
    return True


def _take_over_scheduled(course_id: int, value: str, timeout: float) -> bool:
    """Replace a periodic sync's lock that is only scheduled (its task has not started) with
    `value`; True if replaced. That task then finds a lock not its own and skips."""
    with _swap_guard(course_id) as held:
        if not held:
            return False
        current = cache.get(_lock_key(course_id))
        if current is None:
            return cache.add(_lock_key(course_id), value, timeout)
        if not _parse_lock(current)[0]:
            return False
        cache.set(_lock_key(course_id), value, timeout)
        return True


def request_sync(*, course_id: int, trigger: str, countdown: float = 0) -> bool:
    """Queue a sync of the course unless one is already queued or running; True if queued.

    A sync asked for now (countdown 0) replaces a periodic one that is merely scheduled, so a
    teacher's Sync now never waits out the periodic countdown."""
    token = uuid.uuid4().hex
    value = _lock_value(trigger, token, scheduled=countdown > 0)
    timeout = LOCK_TTL_S + countdown
    if not cache.add(_lock_key(course_id), value, timeout) and (
        countdown or not _take_over_scheduled(course_id, value, timeout)
    ):
        return False
    try:
        sync_course_task.apply_async(
            kwargs={"course_id": course_id, "trigger": trigger, "lock_token": token},
            # celery-types says float; Celery takes None for "now" (the default).
            countdown=countdown or None,  # type: ignore[arg-type]
        )
    except (OperationalError, OSError) as exc:
        # The broker is down: the page that asked goes on (the periodic dispatch queues the
        # course again once the broker is back); the lock goes so that dispatch is not blocked.
        _release_own_lock(course_id, token)
        log.warning("sync of course %s not queued: broker unavailable (%s)", course_id, exc)
        return False
    except Exception:
        _release_own_lock(course_id, token)
        raise
    return True


def _claim_lock(course_id: int, token: str | None, trigger: str) -> bool:
    """At the start of a task: True if the lock is this task's (now marked running); False if
    another request took it over meanwhile, which then syncs in this task's place."""
    if token is None:
        return True  # queued before locks carried tokens, or called directly
    # Checked even if the guard stays busy: giving up would leave this task's own lock in
    # place with nothing running under it until the lock expires.
    with _swap_guard(course_id):
        current = cache.get(_lock_key(course_id))
        if current is None:
            # Released (the sync that replaced this one has finished, or a dead run's lock
            # was cleared): a sync is idempotent, so this one still runs, under its own lock.
            return cache.add(_lock_key(course_id), _lock_value(trigger, token), LOCK_TTL_S)
        if _parse_lock(current)[2] != token:
            return False
        cache.set(_lock_key(course_id), _lock_value(trigger, token), LOCK_TTL_S)
        return True


def _release_own_lock(course_id: int, token: str | None) -> None:
    # Only the lock this request took: the course's lock may by now be a later request's.
    # Released even without the guard (a running sync's lock is never taken over), so a busy
    # guard never leaves the course locked for the lock's whole lifetime.
    with _swap_guard(course_id):
        current = cache.get(_lock_key(course_id))
        if current is not None and _parse_lock(current)[2] == token:
            cache.delete(_lock_key(course_id))


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, name="assessments.sync_course")
def sync_course_task(
    self, *, course_id: int, trigger: str = "periodic", lock_token: str | None = None
) -> str:
    """Sync one course. Idempotent: a repeat finds unchanged results and writes nothing."""
    # sync (through sync_runs) imports this module's lock helpers: a top-level import would
    # be circular.
    from .sync import sync_course  # noqa: PLC0415

    if not _claim_lock(course_id, lock_token, trigger):
        return "superseded"
    retrying = False
    try:
        course = (
            Course.objects.select_related("platform")
            .filter(pk=course_id, sync_enabled=True, concluded=False)
            .first()
        )
        if course is None:
            return "skipped"
        run = sync_course(course=course, trigger=trigger)
        retry = getattr(run, "retryable", False) and not self.request.is_eager
        if retry and self.request.retries < MAX_RETRIES:
            retrying = True
            # Keep the lock through the wait so no second sync starts meanwhile.
            value = _lock_value(trigger, lock_token or "")
            cache.set(_lock_key(course_id), value, LOCK_TTL_S + 600)
            raise self.retry(countdown=min(600, 30 * 2**self.request.retries))
        return run.outcome
    finally:
        if not retrying:
            _release_own_lock(course_id, lock_token)


def spread_offset(*, course_id: int, interval_s: int) -> int:
    """A stable offset in [0, interval) per course, so periodic syncs do not all start at once."""
    return zlib.crc32(str(course_id).encode()) % max(1, interval_s)


@shared_task(name="assessments.dispatch_periodic_syncs")
def dispatch_periodic_syncs() -> int:
    """Record dead runs as failed, then queue a sync of every active course that is due,
    spread over the sync interval."""
    # sync_runs imports this module's lock helpers: a top-level import would be circular.
    from .sync_runs import fail_stale_runs  # noqa: PLC0415

    fail_stale_runs()

    interval = int(getattr(settings, "SYNC_INTERVAL_SECONDS", 300))
    queued = 0
    active = Course.objects.filter(
        sync_enabled=True, concluded=False, platform__needs_attention=""
    ).exclude(lineitems_url="", memberships_url="")
    # Quiet courses are due less often (sync_schedule).
    courses = due_for_periodic_sync(active, now=timezone.now()).values_list("pk", flat=True)
    for course_id in courses.iterator():
        countdown = spread_offset(course_id=course_id, interval_s=interval)
        queued += request_sync(course_id=course_id, trigger="periodic", countdown=countdown)
    return queued


# The beat entry (also to be listed in settings.CELERY_BEAT_SCHEDULE by the lead).
BEAT_SCHEDULE = {
    "assessments-dispatch-periodic-syncs": {
        "task": "assessments.dispatch_periodic_syncs",
        "schedule": float(getattr(settings, "SYNC_INTERVAL_SECONDS", 300)),
    }
}
