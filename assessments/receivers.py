"""Signal receivers of the evidence store (connected in AssessmentsConfig.ready)."""

from __future__ import annotations

from .tasks import request_sync


def on_launch_verified(sender, *, course=None, **kwargs) -> None:
    """A launch syncs its course at once (debounced), so fresh grades show within seconds
    (record_launch has already brought its periodic syncs back to the base interval)."""
    if course is None or course.concluded or not course.sync_enabled:
        return
    if not (course.lineitems_url or course.memberships_url):
        return
    request_sync(course_id=course.pk, trigger="launch")
