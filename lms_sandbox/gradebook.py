"""The teacher's side of the gradebook: grades entered in the LMS itself.

In Moodle these are overrides (a tool's later score is ignored); in Canvas a teacher's
grade is kept against the tool only when the tool asks (`prioritize_non_tool_grade`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import SandboxCourse, SandboxEnrolment, SandboxLineItem, SandboxResult, SandboxUser


class GradeRefused(ValueError):
    pass


@transaction.atomic
def enter_grade(
    *, line_item: SandboxLineItem, user: SandboxUser, score: float | None, feedback: str = ""
) -> SandboxResult:
    """Set (or, with score None, clear) a learner's grade as the teacher would."""
    if not SandboxEnrolment.objects.filter(
        course_id=line_item.course_id, user=user, role=SandboxEnrolment.Role.LEARNER
    ).exists():
        raise GradeRefused("only learners of this course can be graded")
    if score is not None and not (0 <= score <= line_item.score_maximum * 10):
        raise GradeRefused("the grade is out of range")
    result, _ = SandboxResult.objects.select_for_update().get_or_create(
        line_item=line_item, user=user
    )
    result.score_given = score
    result.score_maximum = line_item.score_maximum
    result.teacher_override = score is not None
    result.feedback = feedback
    result.comment = ""  # a teacher's grade carries no AGS comment in either LMS
    result.score_timestamp = None
    result.updated_at = timezone.now()
    result.save()
    return result


def grade_table(course: SandboxCourse) -> tuple[list[SandboxLineItem], list[dict]]:
    """Columns and one row per learner (with each column's result or None), for the page."""
    columns = list(course.line_items.order_by("pk"))
    learners = [
        e.user
        for e in course.enrolments.filter(role=SandboxEnrolment.Role.LEARNER)
        .select_related("user")
        .order_by("user__family_name", "user__given_name", "user_id")
    ]
    results = {
        (r.line_item_id, r.user_id): r
        for r in SandboxResult.objects.filter(line_item__course=course)
    }
    rows = [
        {"user": u, "cells": [(li, results.get((li.pk, u.pk))) for li in columns]} for u in learners
    ]
    return columns, rows


def conclude_course(*, course: SandboxCourse, concluded: bool = True, status: int = 422) -> None:
    """Canvas's term end: every AGS call answers 422 (or 404 without the feature flag)."""
    if status not in (404, 422):
        raise ValueError("status must be 422 or 404")
    course.concluded = concluded
    course.concluded_status = status
    course.save(update_fields=["concluded", "concluded_status"])
