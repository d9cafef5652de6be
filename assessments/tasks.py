"""Celery entry points of the sync (thin: the work is in `sync.py`).

`request_sync` is the one way to ask for a sync: a cache lock (Redis in production) keeps at
most one sync of a course queued or running; the task releases it when it ends. Without a
broker (the embedded default) Celery runs the task in-process, same code.
"""

from __future__ import annotations

import logging
import time
import zlib
from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)

LOCK_TTL_S = 30 * 60  # a crashed worker's lock expires; a sync never takes this long
MAX_RETRIES = 4


def _lock_key(course_id: int) -> str:
    return f"assessments:sync-lock:{course_id}"


def _lock_value(trigger: str) -> str:
    # When the lock was taken travels with it: a dead run's lock can then be told from the
    # lock of a sync queued after that run started (see release_lock_of_dead_run).
    return f"{trigger}@{time.time():.3f}"


def sync_in_flight(*, course_id: int) -> bool:
    return cache.get(_lock_key(course_id)) is not None


def release_lock_of_dead_run(*, course_id: int, started_at: datetime) -> bool:
    """Release the course's lock if it was taken before `started_at` (so by the dead run's
    request, not by a later one); True if released."""
    value = cache.get(_lock_key(course_id))
    if value is None:
        return False
    try:
        taken_at = float(str(value).rsplit("@", 1)[1])
    except (IndexError, ValueError):
        taken_at = 0.0  # a lock written before locks carried their time
    if taken_at > started_at.timestamp():
        return False
    cache.delete(_lock_key(course_id))
    return True


def request_sync(*, course_id: int, trigger: str, countdown: float = 0) -> bool:
    """Queue a sync of the course unless one is already queued or running; True if queued."""
    if not cache.add(_lock_key(course_id), _lock_value(trigger), LOCK_TTL_S + countdown):
        return False
    try:
        sync_course_task.apply_async(
            kwargs={"course_id": course_id, "trigger": trigger}, countdown=countdown or None
        )
    except (OperationalError, OSError) as exc:
        # The broker is down: the page that asked goes on (the periodic dispatch queues the
        # course again once the broker is back); the lock goes so that dispatch is not blocked.
        cache.delete(_lock_key(course_id))
        log.warning("sync of course %s not queued: broker unavailable (%s)", course_id, exc)
        return False
    except Exception:
        cache.delete(_lock_key(course_id))
        raise
    return True


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, name="assessments.sync_course")
def sync_course_task(self, *, course_id: int, trigger: str = "periodic") -> str:
    """Sync one course. Idempotent: a repeat finds unchanged results and writes nothing."""
    from .models import Course
    from .sync import sync_course

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
            cache.set(_lock_key(course_id), _lock_value(trigger), LOCK_TTL_S + 600)
            raise self.retry(countdown=min(600, 30 * 2**self.request.retries))
        return run.outcome
    finally:
        if not retrying:
            cache.delete(_lock_key(course_id))


def spread_offset(*, course_id: int, interval_s: int) -> int:
    """A stable offset in [0, interval) per course, so periodic syncs do not all start at once."""
    return zlib.crc32(str(course_id).encode()) % max(1, interval_s)


@shared_task(name="assessments.dispatch_periodic_syncs")
def dispatch_periodic_syncs() -> int:
    """Record dead runs as failed, then queue a sync of every active course, spread over
    the sync interval."""
    from .models import Course
    from .sync_runs import fail_stale_runs

    fail_stale_runs()

    interval = int(getattr(settings, "SYNC_INTERVAL_SECONDS", 300))
    queued = 0
    courses = (
        Course.objects.filter(sync_enabled=True, concluded=False, platform__needs_attention="")
        .exclude(lineitems_url="", memberships_url="")
        .values_list("pk", flat=True)
    )
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
