"""The awarding parts of setting up a credential in a course: describing the achievement, and
submitting its rubric for quality assurance together with the rule that will award it.

Each writes its rows and their audit events in one transaction: all are kept or none.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from assessments.models import Course
from audit.events import record_event
from rubrics.actors import Actor
from rubrics.models import Rubric, RubricVersion
from rubrics.workflow import submit

from .models import Achievement, AwardingRule

# What an instructor edits on the setup page (and the audit event records).
ACHIEVEMENT_FIELDS = (
    "name",
    "achievement_type",
    "description",
    "criteria_narrative",
    "image",
    "validity_days",
    "tags",
)


def _described(achievement: Achievement) -> dict[str, Any]:
    values = {name: getattr(achievement, name) for name in ACHIEVEMENT_FIELDS}
    values["image"] = achievement.image.name or ""
    return values


def save_achievement(
    *, actor: str, course: Course, achievement: Achievement, created_by_sub: str
) -> Achievement:
    """Store the course's achievement as described (a new one, or an edit of one of its own).

    `achievement` carries the new values (e.g. from `AchievementForm.save(commit=False)`);
    an achievement of another course is refused, never moved.
    """
    with transaction.atomic():
        before = None
        if achievement.pk is not None:
            stored = Achievement.objects.select_for_update().filter(pk=achievement.pk).first()
            if stored is None or stored.course_id != course.pk:
                raise Achievement.DoesNotExist("No such achievement in this course.")
            before = _described(stored)
        achievement.platform_id = course.platform_id
        achievement.course = course
        if not achievement.created_by_sub:
            achievement.created_by_sub = created_by_sub[:255]
        achievement.save()
        record_event(
            actor=actor,
            action="awarding.achievement.created"
            if before is None
            else "awarding.achievement.edited",
            object_type="awarding.Achievement",
            object_id=str(achievement.uuid),
            before=before,
            after=_described(achievement),
            platform_id=course.platform_id,
        )
    return achievement


def submit_for_review(
    *,
    actor: Actor,
    course: Course,
    achievement: Achievement,
    rubric: Rubric,
    version: RubricVersion,
    mode: str,
    created_by_sub: str,
) -> AwardingRule:
    """Submit the rubric's draft for QA (rubrics.workflow, with its own audit event) and create
    the course's active rule awarding `achievement` under `rubric`, unless one exists.

    Raises `rubrics.workflow.WorkflowError` when the draft cannot be submitted; nothing is
    then kept.
    """
    if mode not in AwardingRule.Mode.values:
        raise ValueError(f"Unknown award mode {mode!r}.")
    with transaction.atomic():
        if version.state == "draft":
            submit(version=version, actor=actor)
        rule, created = AwardingRule.objects.get_or_create(
            course=course,
            achievement=achievement,
            active=True,
            defaults={"rubric": rubric, "mode": mode, "created_by_sub": created_by_sub[:255]},
        )
        if created:
            record_event(
                actor=actor.id,
                action="awarding.rule.created",
                object_type="awarding.AwardingRule",
                object_id=str(rule.pk),
                after={
                    "achievement": str(achievement.uuid),
                    "rubric_id": rubric.pk,
                    "mode": rule.mode,
                },
                platform_id=course.platform_id,
            )
    return rule
