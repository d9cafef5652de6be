"""Writing a pathway while it is a draft: its stacked achievement, rule, window, components and
competency requirements. Only QA of the pathway's institution writes; every change is audited.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from audit.events import record_event
from awarding.models import Achievement, AchievementType
from lti_tool.models import Platform
from rubrics.actors import Actor
from rubrics.models import Competence, ProficiencyLevel

from .institution import institution_platform_ids
from .models import CompetencyRequirement, Pathway, PathwayComponent


class PathwayError(ValueError):
    """A change that is not allowed now; the message is shown to the user as it is."""


def check_qa(actor: Actor, platform_id: int) -> None:
    if not actor.is_qa_for(platform_id):
        raise PathwayError(_("Only quality assurance staff of this institution can do this."))


def snapshot(pathway: Pathway) -> dict[str, Any]:
    """What the pathway asks, as the audit log keeps it."""
    return {
        "state": pathway.state,
        "name": pathway.achievement.name,
        "rule": pathway.rule,
        "required_count": pathway.required_count,
        "window_days": pathway.window_days,
        "components": [
            {"achievement_id": c.achievement_id, "min_level_id": c.min_level_id}
            for c in pathway.components.order_by("pk")
        ],
        "competencies": [
            {"competence_id": r.competence_id, "min_level_id": r.min_level_id, "count": r.count}
            for r in pathway.competencies.order_by("pk")
        ],
    }


def record(*, actor: Actor, action: str, pathway: Pathway, before: dict | None) -> None:
    record_event(
        actor=actor.id,
        action=action,
        object_type="pathway",
        object_id=str(pathway.uuid),
        before=before,
        after=snapshot(pathway),
        platform_id=pathway.platform_id,
    )


def _locked_draft(pathway: Pathway, actor: Actor) -> Pathway:
    locked = Pathway.objects.select_for_update().select_related("achievement").get(pk=pathway.pk)
    check_qa(actor, locked.platform_id)
    if not locked.is_draft:
        raise PathwayError(_("Only a draft pathway can be changed."))
    return locked


def _clean_rule(rule: str, required_count: int | None, window_days: int | None) -> None:
    if rule not in Pathway.Rule.values:
        raise PathwayError(_("The rule must be “all of” or “N of”."))
    if rule == Pathway.Rule.N_OF and not required_count:
        raise PathwayError(_("Say how many of the components are needed."))
    if window_days is not None and window_days < 1:
        raise PathwayError(_("The time window is at least one day."))


def create_pathway(
    *,
    platform: Platform,
    name: str,
    description: str,
    criteria_narrative: str,
    actor: Actor,
    rule: str = Pathway.Rule.ALL,
    required_count: int | None = None,
    window_days: int | None = None,
) -> Pathway:
    """A draft pathway and its stacked, course-less achievement on the home platform."""
    check_qa(actor, platform.pk)
    if not (name or "").strip():
        raise PathwayError(_("Give the pathway's credential a name."))
    _clean_rule(rule, required_count, window_days)
    with transaction.atomic():
        achievement = Achievement.objects.create(
            platform=platform,
            course=None,
            name=name.strip(),
            description=description.strip(),
            criteria_narrative=criteria_narrative.strip(),
            achievement_type=AchievementType.CERTIFICATE,
            created_by_sub=actor.id[:255],
        )
        pathway = Pathway.objects.create(
            platform=platform,
            achievement=achievement,
            rule=rule,
            required_count=required_count if rule == Pathway.Rule.N_OF else None,
            window_days=window_days,
            created_by=actor.id[:255],
            created_by_name=actor.name[:255],
        )
        record(actor=actor, action="pathway.created", pathway=pathway, before=None)
    return pathway


def update_pathway(
    *,
    pathway: Pathway,
    name: str,
    description: str,
    criteria_narrative: str,
    rule: str,
    required_count: int | None,
    window_days: int | None,
    actor: Actor,
) -> Pathway:
    _clean_rule(rule, required_count, window_days)
    with transaction.atomic():
        locked = _locked_draft(pathway, actor)
        before = snapshot(locked)
        achievement = locked.achievement
        achievement.name = name.strip() or achievement.name
        achievement.description = description.strip()
        achievement.criteria_narrative = criteria_narrative.strip()
        achievement.save(update_fields=["name", "description", "criteria_narrative", "updated_at"])
        locked.rule = rule
        locked.required_count = required_count if rule == Pathway.Rule.N_OF else None
        locked.window_days = window_days
        locked.save(update_fields=["rule", "required_count", "window_days"])
        record(actor=actor, action="pathway.edited", pathway=locked, before=before)
    return locked


def add_component(
    *,
    pathway: Pathway,
    achievement: Achievement,
    min_level: ProficiencyLevel | None,
    actor: Actor,
) -> PathwayComponent:
    with transaction.atomic():
        locked = _locked_draft(pathway, actor)
        if achievement.pk == locked.achievement_id:
            raise PathwayError(_("A pathway cannot stack its own credential."))
        if achievement.platform_id not in institution_platform_ids(locked.platform_id):
            raise PathwayError(_("That credential belongs to another institution."))
        if locked.components.filter(achievement=achievement).exists():
            raise PathwayError(_("That credential is a component already."))
        before = snapshot(locked)
        component = PathwayComponent.objects.create(
            pathway=locked, achievement=achievement, min_level=min_level
        )
        record(actor=actor, action="pathway.edited", pathway=locked, before=before)
    return component


def add_competency(
    *,
    pathway: Pathway,
    competence: Competence,
    min_level: ProficiencyLevel | None,
    count: int,
    actor: Actor,
) -> CompetencyRequirement:
    if count < 1:
        raise PathwayError(_("A competency requirement needs at least one credential."))
    if min_level is not None and min_level.framework_id != competence.framework_id:
        raise PathwayError(_("The level must be one of the competence's framework."))
    with transaction.atomic():
        locked = _locked_draft(pathway, actor)
        before = snapshot(locked)
        requirement = CompetencyRequirement.objects.create(
            pathway=locked, competence=competence, min_level=min_level, count=count
        )
        record(actor=actor, action="pathway.edited", pathway=locked, before=before)
    return requirement


def remove_requirement(*, pathway: Pathway, kind: str, requirement_id: int, actor: Actor) -> None:
    """Remove a component (`kind` "component") or a competency requirement ("competency")."""
    model = PathwayComponent if kind == "component" else CompetencyRequirement
    with transaction.atomic():
        locked = _locked_draft(pathway, actor)
        before = snapshot(locked)
        deleted, _rows = model.objects.filter(pathway=locked, pk=requirement_id).delete()
        if deleted:
            record(actor=actor, action="pathway.edited", pathway=locked, before=before)
