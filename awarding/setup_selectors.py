"""Reads behind the instructor's guided setup (awarding/views/instructor_setup.py): which
achievement and rubric a course is setting up, and the checklist of what is done. Like
awarding/selectors.py, each function reads one course's data and writes nothing."""

from __future__ import annotations

from typing import Any

from assessments.models import Course
from rubrics.models import Rubric, RubricVersion
from rubrics.spec import SpecError

from .models import Achievement, AwardingRule
from .setup_checklist import checklist


def course_in_setup(course: Course) -> tuple[Achievement | None, Rubric | None]:
    """The achievement and rubric being set up: the newest ones no active rule binds yet
    (a course may award several credentials), else those of the newest rule."""
    rules = AwardingRule.objects.filter(course=course, active=True)
    bound_achievements = rules.values_list("achievement_id", flat=True)
    bound_rubrics = rules.values_list("rubric_id", flat=True)
    achievement = (
        Achievement.objects.filter(course=course)
        .exclude(pk__in=list(bound_achievements))
        .order_by("-pk")
        .first()
    )
    rubric = (
        Rubric.objects.filter(course=course)
        .exclude(pk__in=list(bound_rubrics))
        .order_by("-pk")
        .first()
    )
    if achievement is None:
        rule = rules.select_related("achievement", "rubric").order_by("-pk").first()
        if rule is not None:
            return rule.achievement, rule.rubric
    return achievement, rubric


def setup_state(course: Course, version_id: int | None = None) -> dict[str, Any]:
    """What the setup page shows: the achievement, rubric and version being set up and the
    checklist of steps done. `version_id` (from the rubric editor's "Submit for QA review")
    names the version to submit, when it is one of the course's."""
    achievement, rubric = course_in_setup(course)
    chosen = (
        RubricVersion.objects.filter(pk=version_id, rubric__course=course)
        .select_related("rubric")
        .first()
        if version_id
        else None
    )
    if chosen is not None:
        rubric = chosen.rubric
        bound = (
            AwardingRule.objects.filter(course=course, rubric=rubric, active=True)
            .select_related("achievement")
            .first()
        )
        if bound is not None:
            achievement = bound.achievement
    version: RubricVersion | None = chosen or (
        rubric.versions.order_by("-number").first() if rubric else None
    )
    criteria = version.criteria.count() if version else 0
    unbound = version.criteria.filter(line_item__isnull=True).count() if version else 0
    try:
        rubric_valid = version is not None and bool(version.to_spec().validate())
    except SpecError:
        rubric_valid = False
    rule_exists = (
        rubric is not None
        and achievement is not None
        and AwardingRule.objects.filter(
            course=course, rubric=rubric, achievement=achievement, active=True
        ).exists()
    )
    steps = checklist(
        has_achievement=achievement is not None,
        has_rubric=rubric is not None,
        criteria=criteria,
        unbound=unbound,
        version_state=version.state if version else None,
        rubric_valid=rubric_valid,
        rule_exists=rule_exists,
    )
    return {
        "achievement": achievement,
        "rubric": rubric,
        "version": version,
        "steps": steps,
        "criteria_count": criteria,
    }
