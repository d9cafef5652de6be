"""A `figures.Snapshot` in Prometheus's text exposition format (version 0.0.4)."""

from __future__ import annotations

from .figures import Snapshot

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _metric(lines: list[str], name: str, kind: str, help_text: str) -> None:
    lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]


def render(snapshot: Snapshot) -> str:
    lines: list[str] = []

    _metric(
        lines,
        "credbridge_course_sync_lag_seconds",
        "gauge",
        "Seconds since the course's last successful sync (since its creation if never).",
    )
    for lag in snapshot.sync_lag:
        lines.append(
            f'credbridge_course_sync_lag_seconds{{course="{lag.course_id}",'
            f'platform="{lag.platform_id}"}} {lag.lag_seconds:.0f}'
        )
    _metric(
        lines,
        "credbridge_sync_lag_max_seconds",
        "gauge",
        "The largest sync lag of any synced course (0 when there is none).",
    )
    worst = max((lag.lag_seconds for lag in snapshot.sync_lag), default=0.0)
    lines.append(f"credbridge_sync_lag_max_seconds {worst:.0f}")

    queue = snapshot.queue
    _metric(
        lines,
        "credbridge_queue_up",
        "gauge",
        "1 when the Celery broker answered, 0 when it did not; absent when tasks run "
        "in-process (queue depth not applicable).",
    )
    if queue.state.startswith("error"):
        lines.append(f"# queue depth: {queue.state}")
        lines.append(f'credbridge_queue_up{{queue="{queue.queue}"}} 0')
    elif queue.state == "ok":
        lines.append(f'credbridge_queue_up{{queue="{queue.queue}"}} 1')
        _metric(lines, "credbridge_queue_depth", "gauge", "Task messages waiting in the queue.")
        lines.append(f'credbridge_queue_depth{{queue="{queue.queue}"}} {queue.waiting}')
        if queue.unacked is not None:
            _metric(
                lines,
                "credbridge_queue_unacked",
                "gauge",
                "Task messages taken by a worker and not yet acknowledged.",
            )
            lines.append(f'credbridge_queue_unacked{{queue="{queue.queue}"}} {queue.unacked}')
    else:
        lines.append(f"# queue depth: {queue.state}")

    for field, help_text in (
        ("issued", "Credentials issued in the window."),
        ("revoked", "Credentials revoked in the window."),
        ("failed", "Awards whose signing failed (still pending, retried) touched in the window."),
    ):
        name = f"credbridge_credentials_{field}"
        _metric(lines, name, "gauge", help_text)
        for counts in snapshot.issuance:
            lines.append(f'{name}{{window="{counts.window}"}} {getattr(counts, field)}')
    _metric(lines, "credbridge_awards_pending", "gauge", "Awards being issued now.")
    lines.append(f"credbridge_awards_pending {snapshot.pending_awards}")
    _metric(
        lines,
        "credbridge_awards_failing",
        "gauge",
        "Pending awards whose last signing attempt failed.",
    )
    lines.append(f"credbridge_awards_failing {snapshot.failing_awards}")
    return "\n".join(lines) + "\n"
