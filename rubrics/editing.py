"""Writing a draft: its policy and its criteria (with levels, alignments, evidence source),
and creating the criteria's gradebook columns in the LMS through AGS."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.line_item_provisioning import LineItemSpec, ensure_line_items
from assessments.models import LineItem

from .actors import Actor
from .models import (
    Competence,
    Criterion,
    CriterionAlignment,
    CriterionLevel,
    ProficiencyLevel,
    RubricVersion,
)
from .spec import (
    AlignmentSpec,
    CriterionSpec,
    LevelSpec,
    PolicySpec,
    SpecError,
    VersionSpec,
)
from .workflow import WorkflowError, _event, _locked, check_instructor, snapshot

TOOL = Criterion.Source.TOOL
EXISTING = Criterion.Source.EXISTING


@dataclass
class CriterionDraft:
    key: str
    title: str
    points: float
    threshold: float
    threshold_unit: str = "points"
    required: bool = True
    weight: float = 1.0
    description: str = ""
    source: str = TOOL
    line_item_id: int | None = None  # for source "existing"
    levels: list[LevelSpec] = field(default_factory=list)
    competence_ids: list[int] = field(default_factory=list)
    proficiency_id: int | None = None


@dataclass
class PolicyDraft:
    min_weighted_total: float | None = None
    min_passed: int | None = None
    result_choice: str = "latest"
    window_start: datetime | None = None
    window_end: datetime | None = None


def draft_spec(title: str, policy: PolicyDraft, criteria: list[CriterionDraft]) -> VersionSpec:
    """The VersionSpec the drafts describe (pure; not validated), for checks and previews."""
    return VersionSpec(
        criteria=tuple(
            CriterionSpec(
                key=c.key,
                title=c.title,
                description=c.description,
                points=c.points,
                threshold=c.threshold,
                threshold_unit=c.threshold_unit,
                required=c.required,
                weight=c.weight,
                levels=tuple(c.levels),
                alignments=tuple(AlignmentSpec("", str(i), "", "") for i in c.competence_ids),
            )
            for c in criteria
        ),
        policy=PolicySpec(**policy.__dict__),
        title=title.strip(),
    )


def draft_bindings(version: RubricVersion, criteria: list[CriterionDraft]) -> dict[int, str]:
    """line item id -> criterion key the drafts would read (as save_draft binds them), for a
    preview of edits not saved yet: an existing column as chosen, else the saved column of
    the criterion with the same key."""
    saved = dict(
        version.criteria.filter(line_item__deleted_in_lms=False).values_list("key", "line_item_id")
    )
    course_items = set(
        LineItem.objects.filter(
            course_id=version.rubric.course_id, deleted_in_lms=False
        ).values_list("pk", flat=True)
    )
    out: dict[int, str] = {}
    for c in criteria:
        item = c.line_item_id if c.source == EXISTING else saved.get(c.key)
        if item is not None and item in course_items:
            out[item] = c.key
    return out


def _check(title: str, policy: PolicyDraft, criteria: list[CriterionDraft]) -> None:
    if not title.strip():
        raise SpecError(_("Give the version a title."))
    draft_spec(title, policy, criteria).validate()


def save_draft(
    *,
    version: RubricVersion,
    actor: Actor,
    title: str,
    policy: PolicyDraft,
    criteria: list[CriterionDraft],
) -> RubricVersion:
    """Replace the draft's content. Raises SpecError (what to fix) or WorkflowError."""
    _check(title, policy, criteria)
    with transaction.atomic():
        version = _locked(version)
        check_instructor(actor, version.rubric)
        if not version.is_draft:
            raise WorkflowError(_("This version was submitted; make a new version to change it."))
        course = version.rubric.course
        competences = {
            c.pk: c
            for c in Competence.objects.filter(
                pk__in={i for c in criteria for i in c.competence_ids},
                kind=Competence.Kind.COMPETENCE,
            )
        }
        proficiencies: dict[int | None, ProficiencyLevel] = {
            p.pk: p
            for p in ProficiencyLevel.objects.filter(
                pk__in={c.proficiency_id for c in criteria if c.proficiency_id}
            )
        }
        previous_items = dict(version.criteria.values_list("key", "line_item_id"))
        before = snapshot(version)
        version.title = title.strip()
        for name, value in policy.__dict__.items():
            setattr(version, name, value)
        version.save()
        version.criteria.all().delete()
        for position, c in enumerate(criteria):
            line_item_id: int | None
            if c.source == EXISTING:
                # Scoped to the course: a line item id from another course is refused.
                if (
                    c.line_item_id is None
                    or not LineItem.objects.filter(pk=c.line_item_id, course=course).exists()
                ):
                    raise SpecError(
                        _("Criterion “%(key)s”: choose a gradebook column of this course.")
                        % {"key": c.key}
                    )
                line_item_id = c.line_item_id
            else:
                line_item_id = previous_items.get(c.key)
                if (
                    line_item_id
                    and not LineItem.objects.filter(
                        pk=line_item_id, tag=f"credbridge:criterion:{c.key}"
                    ).exists()
                ):
                    line_item_id = None  # was an existing column; a new one is wanted now
            crit = Criterion.objects.create(
                version=version,
                position=position,
                key=c.key,
                title=c.title,
                description=c.description,
                points=c.points,
                threshold=c.threshold,
                threshold_unit=c.threshold_unit,
                required=c.required,
                weight=c.weight,
                source=c.source,
                line_item_id=line_item_id,
            )
            for lv in c.levels:
                CriterionLevel.objects.create(
                    criterion=crit, name=lv.name, min_score=lv.min_score, description=lv.description
                )
            for cid in dict.fromkeys(c.competence_ids):
                if cid not in competences:
                    raise SpecError(_("Criterion “%(key)s”: unknown competence.") % {"key": c.key})
                CriterionAlignment.objects.create(
                    criterion=crit,
                    competence=competences[cid],
                    proficiency=proficiencies.get(c.proficiency_id),
                )
        _event(actor, "version.edited", version, before, snapshot(version))
    return version


def create_line_items(*, version: RubricVersion, actor: Actor) -> list[Criterion]:
    """Create (idempotently) one gradebook column per criterion whose source is the tool.

    The AGS call happens outside any transaction lock on the version: the LMS may be slow.
    """
    check_instructor(actor, version.rubric)
    if not version.is_draft:
        raise WorkflowError(_("Line items are created while the version is a draft."))
    course = version.rubric.course
    criteria = list(version.criteria.filter(source=TOOL).order_by("position", "pk"))
    if not criteria:
        return []
    specs = [
        LineItemSpec(
            label=f"{version.title}: {c.title}"[:250],
            score_maximum=c.points,
            tag=c.tag,
            resource_id=f"credbridge-rubric-{version.rubric_id}",
        )
        for c in criteria
    ]
    items = ensure_line_items(course=course, specs=specs)
    with transaction.atomic():
        version = _locked(version)
        if not version.is_draft:
            raise WorkflowError(_("This version was submitted meanwhile."))
        before = snapshot(version)
        for crit, item in zip(criteria, items, strict=True):
            Criterion.objects.filter(pk=crit.pk).update(line_item=item)
            crit.line_item = item
        _event(actor, "version.line_items_created", version, before, snapshot(version))
    return criteria
