"""A learner marks their unread notifications in a course as read (with an audit event in the
same transaction, like every other change made through the pages)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from assessments.models import Course, Learner
from audit.events import record_event

from .models import Notification


def mark_notifications_read(*, actor: str, learner: Learner, course: Course) -> int:
    """Mark the learner's unread notifications of the course read; returns how many."""
    with transaction.atomic():
        unread = Notification.objects.select_for_update().filter(
            learner=learner, course=course, read_at__isnull=True
        )
        ids = list(unread.values_list("pk", flat=True))
        if not ids:
            return 0  # nothing changed, nothing to record
        Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
        record_event(
            actor=actor,
            action="awarding.notifications.read",
            object_type="assessments.Learner",
            object_id=str(learner.pk),
            before={"unread": len(ids)},
            after={"unread": 0, "course_id": course.pk},
            platform_id=course.platform_id,
        )
    return len(ids)
