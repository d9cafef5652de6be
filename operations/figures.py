"""The operator's figures, read from the database and the broker.

- Sync lag: for each course that is synced (sync on, not concluded, with a grade or roster
  service), the seconds since its last successful sync; a course never synced counts from
  when it was created, so a course that never works shows as lagging, not as absent.
- Queue depth: messages waiting in the Celery queue and those taken by a worker but not yet
  acknowledged, when a broker is configured; "not applicable" when tasks run in-process.
- Issuance counts: credentials issued, revoked, and awards whose signing failed (still
  pending, with the error of their last try) over the last hour, day and week.

Each reading is a plain dataclass; `operations.prometheus` and the `metrics` command render
them. A broker that does not answer is a reading ("error: ConnectionError"), not an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from assessments.models import Course, SyncRun
from awarding.models import Award
from config.celery import app

WINDOWS: dict[str, timedelta] = {
    "1h": timedelta(hours=1),
    "24h": timedelta(days=1),
    "7d": timedelta(days=7),
}
NOT_APPLICABLE = "not applicable (tasks run in-process)"


@dataclass(frozen=True)
class CourseLag:
    course_id: int
    platform_id: int
    last_success: datetime | None
    lag_seconds: float


@dataclass(frozen=True)
class QueueDepth:
    queue: str
    state: str  # "ok", NOT_APPLICABLE, or "error: <type>"
    waiting: int | None = None
    unacked: int | None = None


@dataclass(frozen=True)
class IssuanceCounts:
    window: str
    issued: int
    revoked: int
    failed: int


@dataclass(frozen=True)
class Snapshot:
    taken_at: datetime
    sync_lag: list[CourseLag]
    queue: QueueDepth
    issuance: list[IssuanceCounts]
    pending_awards: int
    failing_awards: int


def sync_lag(*, now: datetime) -> list[CourseLag]:
    courses = (
        Course.objects.filter(sync_enabled=True, concluded=False)
        .exclude(lineitems_url="", memberships_url="")
        .annotate(
            last_success=Max(
                "sync_runs__finished_at",
                filter=Q(sync_runs__outcome=SyncRun.Outcome.SUCCEEDED),
            )
        )
        .order_by("pk")
        .values_list("pk", "platform_id", "last_success", "created_at")
    )
    return [
        CourseLag(
            course_id=pk,
            platform_id=platform_id,
            last_success=last_success,
            lag_seconds=max(0.0, (now - (last_success or created_at)).total_seconds()),
        )
        for pk, platform_id, last_success, created_at in courses
    ]


def queue_depth() -> QueueDepth:
    queue = app.conf.task_default_queue
    if app.conf.task_always_eager or str(app.conf.broker_url or "").startswith("memory"):
        return QueueDepth(queue=queue, state=NOT_APPLICABLE)
    try:
        with app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1)
            # kombu's declared channel type lacks queue_declare; every transport has it.
            channel: Any = connection.default_channel
            try:
                _, waiting, _ = channel.queue_declare(queue=queue, passive=True)
            except connection.channel_errors:
                waiting = 0  # no task was ever queued: the queue does not exist yet
                channel = connection.default_channel  # a failed declare may close it
            unacked = None
            client = getattr(channel, "client", None)
            if client is not None and hasattr(channel, "unacked_key"):
                # Redis: messages a worker has taken, kept until acknowledged (acks_late).
                unacked = int(client.hlen(channel.unacked_key))
    except Exception as exc:  # noqa: BLE001 - a dead broker is a reading, not a 500
        return QueueDepth(queue=queue, state=f"error: {type(exc).__name__}")
    return QueueDepth(queue=queue, state="ok", waiting=int(waiting), unacked=unacked)


def issuance(*, now: datetime) -> list[IssuanceCounts]:
    counts = []
    for label, width in WINDOWS.items():
        since = now - width
        counts.append(
            IssuanceCounts(
                window=label,
                issued=Award.objects.filter(issued_at__gte=since).count(),
                revoked=Award.objects.filter(revoked_at__gte=since).count(),
                failed=_failing().filter(updated_at__gte=since).count(),
            )
        )
    return counts


def _failing() -> QuerySet[Award]:
    # The last signing attempt failed; the sweep retries it (awarding.tasks).
    return Award.objects.filter(state=Award.State.PENDING).exclude(issue_error="")


def snapshot(*, now: datetime | None = None) -> Snapshot:
    now = now or timezone.now()
    return Snapshot(
        taken_at=now,
        sync_lag=sync_lag(now=now),
        queue=queue_depth(),
        issuance=issuance(now=now),
        pending_awards=Award.objects.filter(state=Award.State.PENDING).count(),
        failing_awards=_failing().count(),
    )
