"""What the QA console reads: decisions and awards of the platforms a QA user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from awarding.models import Award, Decision

from .access import scope_to_platforms


def decisions_of(platform_ids: frozenset[int]) -> QuerySet[Decision]:
    """Decisions of courses on these platforms (a QA person's scopes; never "all")."""
    return scope_to_platforms(Decision.objects.all(), platform_ids, "course__platform_id")


def awards_of(platform_ids: frozenset[int]) -> QuerySet[Award]:
    """Awards of these platforms' achievements (a QA person's scopes; never "all").

    By the achievement, not the course: a pathway's stacked award has no course (ADR 0064),
    and a course award's achievement is its course's platform's."""
    return scope_to_platforms(Award.objects.all(), platform_ids, "achievement__platform_id")
