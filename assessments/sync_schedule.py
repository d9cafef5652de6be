"""When a course's next periodic sync is due: quiet courses are asked less often.

Each successful sync that finds no new or changed result doubles the course's interval
(SYNC_INTERVAL_SECONDS, then 2×, 4×, ... up to SYNC_MAX_INTERVAL_SECONDS); a sync that finds
changes, or a launch (someone is using the course now: launches.record_launch), brings it
back to the base interval.
A failed sync keeps the streak (the task retries it on its own schedule). The state is two
fields of the course (`quiet_syncs`, `next_sync_at`); `sync_interval` is the pure rule.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Course, SyncRun


def sync_interval(*, quiet_syncs: int, base_s: int, max_s: int) -> int:
    """Seconds between periodic syncs after `quiet_syncs` syncs in a row found nothing."""
    base_s = max(1, base_s)
    return min(max(base_s, max_s), base_s * 2 ** min(max(0, quiet_syncs), 30))


def _base_and_cap() -> tuple[int, int]:
    base = int(getattr(settings, "SYNC_INTERVAL_SECONDS", 300))
    return base, int(getattr(settings, "SYNC_MAX_INTERVAL_SECONDS", 3600))


def record_sync(*, course: Course, run: SyncRun, trigger: str) -> None:
    """Move the course's schedule on after a finished run."""
    if trigger == "launch" or run.new_results or run.changed_results:
        quiet = 0
    elif run.outcome == SyncRun.Outcome.SUCCEEDED:
        quiet = course.quiet_syncs + 1
    else:
        quiet = course.quiet_syncs
    base, cap = _base_and_cap()
    finished = run.finished_at or timezone.now()
    due = finished + timedelta(seconds=sync_interval(quiet_syncs=quiet, base_s=base, max_s=cap))
    Course.objects.filter(pk=course.pk).update(quiet_syncs=quiet, next_sync_at=due)
    course.quiet_syncs, course.next_sync_at = quiet, due


def due_for_periodic_sync(courses: QuerySet[Course], *, now: datetime) -> QuerySet[Course]:
    """The courses whose periodic sync falls within the coming dispatch interval (each is
    then queued at its spread offset inside it)."""
    base, _ = _base_and_cap()
    return courses.filter(
        Q(next_sync_at__isnull=True) | Q(next_sync_at__lt=now + timedelta(seconds=base))
    )
