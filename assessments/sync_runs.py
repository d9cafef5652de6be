"""A SyncRun's life beyond the process that runs it: heartbeats while it works, and runs
whose worker died (killed, out of memory, machine restarted) recorded as failed.

A run is written "running" when it starts and finished by the same process; if that
process dies, nothing else would ever finish it, the dashboard would say "running" for
ever and the course's lock would refuse every new sync until it expired. So a run beats
(`heartbeat_at`, with its counters) as it stores pages, and a run silent for longer than
SYNC_STALE_AFTER_SECONDS is recorded as failed — when the status is read and by the
periodic beat — and its lock released, so a new sync may start.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import Course, SyncRun
from .tasks import release_lock_of_dead_run

log = logging.getLogger(__name__)

# Longer than the slowest single LMS call with all its retries (a few minutes), so a live
# run waiting on a slow LMS is never taken for a dead one.
DEFAULT_STALE_AFTER_S = 15 * 60
BEAT_EVERY_S = 5.0


def stale_after() -> timedelta:
    return timedelta(
        seconds=int(getattr(settings, "SYNC_STALE_AFTER_SECONDS", 0) or 0) or DEFAULT_STALE_AFTER_S
    )


def beat(run: SyncRun, *, force: bool = False) -> None:
    """Record that `run` is alive, with its counters so far (at most every few seconds)."""
    now = time.monotonic()
    if not force and now - getattr(run, "_last_beat", 0.0) < BEAT_EVERY_S:
        return
    run._last_beat = now
    run.heartbeat_at = timezone.now()
    SyncRun.objects.filter(pk=run.pk, outcome=SyncRun.Outcome.RUNNING).update(
        heartbeat_at=run.heartbeat_at,
        pages=run.pages,
        new_results=run.new_results,
        changed_results=run.changed_results,
        unchanged_results=run.unchanged_results,
    )


def fail_stale_runs(*, course_id: int | None = None) -> int:
    """Record every run silent for too long as failed (of one course, or all); how many."""
    cut = timezone.now() - stale_after()
    stale = SyncRun.objects.filter(outcome=SyncRun.Outcome.RUNNING).filter(
        Q(heartbeat_at__lt=cut) | Q(heartbeat_at__isnull=True, started_at__lt=cut)
    )
    if course_id is not None:
        stale = stale.filter(course_id=course_id)
    failed = 0
    for run in stale.only("pk", "course_id", "started_at", "heartbeat_at"):
        last = run.heartbeat_at or run.started_at
        done = SyncRun.objects.filter(pk=run.pk, outcome=SyncRun.Outcome.RUNNING).update(
            outcome=SyncRun.Outcome.FAILED,
            finished_at=timezone.now(),
            error=(
                "This sync stopped without finishing: the process running it ended (stopped "
                "or killed). The evidence stored before is kept; sync again."
            ),
            detail=f"Abandoned: no sign of life since {last.isoformat(timespec='seconds')}.",
        )
        if done:
            failed += 1
            released = release_lock_of_dead_run(course_id=run.course_id, started_at=run.started_at)
            log.warning(
                "sync run %s of course %s abandoned (last beat %s); lock released: %s",
                run.pk,
                run.course_id,
                last,
                released,
            )
    return failed


def latest_run(course: Course) -> SyncRun | None:
    """The course's latest run, as it truly stands (a dead run is recorded failed first)."""
    fail_stale_runs(course_id=course.pk)
    return SyncRun.objects.filter(course=course).order_by("-started_at", "-pk").first()
