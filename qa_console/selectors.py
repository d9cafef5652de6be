"""What the QA console reads: decisions and awards of the platforms a QA user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from awarding.models import Award, Decision

from .access import scope_to_platforms


def decisions_of(platform_ids: set[int] | None) -> QuerySet[Decision]:
    """Decisions of courses on these platforms (None: every platform, for a superuser)."""
    return scope_to_platforms(Decision.objects.all(), platform_ids, "course__platform_id")


def awards_of(platform_ids: set[int] | None) -> QuerySet[Award]:
    """Awards of these platforms' achievements (None: every platform, for a superuser).

    By the achievement, not the course: a pathway's stacked award has no course (ADR 0064),
    and a course award's achievement is its course's platform's."""
    return scope_to_platforms(Award.objects.all(), platform_ids, "achievement__platform_id")
