"""`manage.py metrics`: the operator's figures on a terminal, or (`--prometheus`) the very
text `/metrics` serves, for a node exporter's textfile collector or a cron job."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from operations.figures import snapshot
from operations.prometheus import render


class Command(BaseCommand):
    help = "Sync lag per course, Celery queue depth, and credentials issued/revoked/failed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--prometheus", action="store_true", help="Prometheus text format, as /metrics."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        figures = snapshot()
        if options["prometheus"]:
            self.stdout.write(render(figures), ending="")
            return
        out = self.stdout.write
        out(f"Figures at {figures.taken_at.isoformat(timespec='seconds')}")
        out("")
        out("Sync lag (since the last successful sync; never synced: since the course's creation)")
        if not figures.sync_lag:
            out("  no course is synced")
        for lag in sorted(figures.sync_lag, key=lambda lag: -lag.lag_seconds):
            last = lag.last_success.isoformat(timespec="seconds") if lag.last_success else "never"
            out(
                f"  course {lag.course_id} (platform {lag.platform_id}): "
                f"{_duration(lag.lag_seconds)} (last success: {last})"
            )
        out("")
        queue = figures.queue
        if queue.state == "ok":
            unacked = "" if queue.unacked is None else f", {queue.unacked} taken by a worker"
            out(f"Queue {queue.queue}: {queue.waiting} waiting{unacked}")
        else:
            out(f"Queue {queue.queue}: {queue.state}")
        out("")
        out("Credentials     " + "  ".join(f"{c.window:>6}" for c in figures.issuance))
        for field in ("issued", "revoked", "failed"):
            row = "  ".join(f"{getattr(c, field):>6}" for c in figures.issuance)
            out(f"  {field:<13} {row}")
        out(f"Awards pending now: {figures.pending_awards} ({figures.failing_awards} failing)")


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"
