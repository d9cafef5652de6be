"""The evaluation's inputs from the database: a pathway as a `PathwaySpec`, and the valid
credentials a person holds as `HeldCredential`s (with the competences each one shows)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any

from awarding.models import Award
from credentials.models import Credential
from rubrics.models import CriterionAlignment

from .evaluate import (
    Alignment,
    CompetencySpec,
    ComponentSpec,
    HeldCredential,
    LevelBound,
    PathwaySpec,
)
from .models import Pathway

# A new stacked award rests on issued credentials only; a flagged one (QA has not decided
# yet) is still valid, so it keeps supporting a stacked award already issued.
GRANTING_STATES = (Award.State.ISSUED,)
KEEPING_STATES = (Award.State.ISSUED, Award.State.FLAGGED)


def _bound(level) -> LevelBound | None:
    if level is None:
        return None
    return LevelBound(framework=level.framework.slug, level=level.position, name=level.name)


def pathway_spec(pathway: Pathway) -> PathwaySpec:
    components = pathway.components.select_related("achievement", "min_level__framework")
    competencies = pathway.competencies.select_related(
        "competence__framework", "min_level__framework"
    )
    return PathwaySpec(
        components=tuple(
            ComponentSpec(c.achievement_id, c.achievement.name, _bound(c.min_level))
            for c in components.order_by("pk")
        ),
        rule=pathway.rule,
        required=pathway.required_count,
        competencies=tuple(
            CompetencySpec(
                framework=r.competence.framework.slug,
                code=r.competence.code,
                title=r.competence.title,
                count=r.count,
                min_level=_bound(r.min_level),
            )
            for r in competencies.order_by("pk")
        ),
        window_days=pathway.window_days,
    )


def counting_awards(learner_ids: Any, *, states: Collection[str] = GRANTING_STATES):
    """Awards of these accounts (ids, or a query of them) whose credential is signed and in
    good standing."""
    return Award.objects.filter(
        learner_id__in=learner_ids,
        state__in=states,
        credential__isnull=False,
        credential__status=Credential.Status.ACTIVE,
    )


def held_credentials(
    learner_ids: Collection[int],
    *,
    exclude_achievement_id: int | None = None,
    states: Collection[str] = GRANTING_STATES,
) -> list[HeldCredential]:
    """Every counting credential of the person, each with the competences it shows: the
    alignments of the rubric criteria its decision passed (a credential awarded otherwise,
    by review or by a pathway, shows none)."""
    awards = list(
        counting_awards(learner_ids, states=states)
        .exclude(achievement_id=exclude_achievement_id)
        .select_related("achievement", "credential", "decision")
    )
    passed: dict[int, set[str]] = {}
    for award in awards:
        if award.decision_id is None:
            continue
        criteria = (award.decision.result or {}).get("criteria", ())
        passed[award.pk] = {c["key"] for c in criteria if c.get("passed")}
    versions = {a.decision.rubric_version_id for a in awards if a.decision_id is not None}
    shown: dict[tuple[int, str], list[Alignment]] = defaultdict(list)
    for row in CriterionAlignment.objects.filter(criterion__version_id__in=versions).values(
        "criterion__version_id",
        "criterion__key",
        "competence__code",
        "competence__framework__slug",
        "proficiency__position",
    ):
        shown[row["criterion__version_id"], row["criterion__key"]].append(
            Alignment(
                framework=row["competence__framework__slug"],
                code=row["competence__code"],
                level=row["proficiency__position"],
            )
        )
    held = []
    for award in awards:
        alignments: list[Alignment] = []
        if award.decision_id is not None:
            version_id = award.decision.rubric_version_id
            for key in sorted(passed.get(award.pk, ())):
                alignments += shown.get((version_id, key), ())
        if award.credential is None:  # counting_awards asks for one; for the type checker
            continue
        held.append(
            HeldCredential(
                award_id=award.pk,
                achievement_id=award.achievement_id,
                name=award.achievement.name,
                issued_at=award.issued_at or award.credential.issued_at,
                alignments=tuple(alignments),
                valid_until=award.credential.valid_until,
            )
        )
    return held
