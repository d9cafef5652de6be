"""What an instructor may place with Deep Linking: the course's achievements (registered with
lti_tool.launch_hooks, which knows nothing of awarding).

A choice's key is the achievement's UUID; every launch of the placement carries it back
(LaunchContext.placement) and the learner's page then shows that achievement. A line item
comes with the link only when the achievement's active rule in this course opted into a
gradebook column, with the tag and resourceId the postback looks for (postback.py).
"""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.utils.translation import gettext as _

from assessments.models import Course
from lti_tool.launch_context import LaunchContext
from lti_tool.launch_hooks import PlacementChoice, PlacementLineItem

from .credential_setup import save_achievement
from .models import Achievement, AwardingRule
from .postback import credential_tag


def placeable_achievements(*, platform_id: int, course_id: int | None):
    """The course's own achievements and the institution's shared ones."""
    mine = Q(course_id=course_id) if course_id is not None else Q(pk__in=[])
    return Achievement.objects.filter(Q(platform_id=platform_id) & (mine | Q(course__isnull=True)))


def placed_achievement(*, course: Course, key: str) -> Achievement | None:
    """The achievement a placement's key names, if this course may show it."""
    try:
        wanted = uuid.UUID(key)
    except (ValueError, TypeError, AttributeError):
        return None
    return (
        placeable_achievements(platform_id=course.platform_id, course_id=course.pk)
        .filter(uuid=wanted)
        .first()
    )


def _choice(achievement: Achievement, rule: AwardingRule | None) -> PlacementChoice:
    line_item = None
    if rule is not None and rule.gradebook_column:
        line_item = PlacementLineItem(
            label=achievement.name,
            score_maximum=1,
            tag=credential_tag(achievement),
            resource_id=str(achievement.uuid),
        )
    if rule is None:
        detail = _("not awarded in this course yet: set up its rubric after placing it")
    elif rule.gradebook_column:
        detail = _("awarded in this course, with a gradebook column")
    else:
        detail = _("awarded in this course")
    return PlacementChoice(
        key=str(achievement.uuid), title=achievement.name, detail=detail, line_item=line_item
    )


class AchievementCatalog:
    """lti_tool.launch_hooks.PlacementCatalog over awarding's achievements."""

    def choices(self, launch: LaunchContext) -> list[PlacementChoice]:
        achievements = placeable_achievements(
            platform_id=launch.platform_id, course_id=launch.course_id
        ).order_by("name", "pk")
        rules = (
            {
                r.achievement_id: r
                for r in AwardingRule.objects.filter(course_id=launch.course_id, active=True)
            }
            if launch.course_id is not None
            else {}
        )
        return [_choice(a, rules.get(a.pk)) for a in achievements]

    def create(
        self, launch: LaunchContext, *, name: str, description: str, criteria: str
    ) -> PlacementChoice:
        if launch.course_id is None:
            raise Course.DoesNotExist("A new credential belongs to a course: launch from one.")
        course = Course.objects.get(pk=launch.course_id, platform_id=launch.platform_id)
        achievement = save_achievement(
            actor=f"lti:{launch.platform_id}:{launch.user_sub}",
            course=course,
            achievement=Achievement(
                name=name, description=description, criteria_narrative=criteria
            ),
            created_by_sub=launch.user_sub,
        )
        return _choice(achievement, None)
