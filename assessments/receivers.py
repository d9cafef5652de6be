"""Signal receivers of the evidence store (connected in AssessmentsConfig.ready)."""

from __future__ import annotations

from .sync_schedule import record_launch
from .tasks import request_sync


def on_launch_verified(sender, *, course=None, **kwargs) -> None:
    """A launch syncs its course at once (debounced), so fresh grades show within seconds,
    and brings its periodic syncs back to the base interval."""
    if course is None or course.concluded or not course.sync_enabled:
        return
    record_launch(course_id=course.pk)
    if not (course.lineitems_url or course.memberships_url):
        return
    request_sync(course_id=course.pk, trigger="launch")
