"""Turn an achievement, a rubric version and a decision into the credential's plain inputs.

Pure: reads attributes of the objects it is given (no queries, no HTTP) and returns the
`credentials.documents` dataclasses that `issue_credential` signs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils.text import slugify

from credentials.documents import (
    IDENTITY_EMAIL,
    IDENTITY_LTI_USER,
    IDENTITY_SOURCEDID,
    AchievementInput,
    AlignmentInput,
    CriterionInput,
    CriterionLevelInput,
    CriterionResultInput,
    EvidenceInput,
    SubjectInput,
)
from rubrics.spec import AlignmentSpec, CriterionSpec, VersionSpec

from .badge_image import badge_data_uri

if TYPE_CHECKING:
    from assessments.models import Learner

    from .models import Achievement


def achievement_url(base_url: str, achievement_uuid: Any) -> str:
    return f"{base_url.rstrip('/')}/achievements/{achievement_uuid}"


def evidence_url(base_url: str, award_uuid: Any) -> str:
    return f"{base_url.rstrip('/')}/evidence/{award_uuid}"


def level_keys(criterion: CriterionSpec) -> dict[str, str]:
    """Level name -> a short key, unique within the criterion and stable across runs."""
    keys: dict[str, str] = {}
    for index, level in enumerate(criterion.levels):
        key = slugify(level.name)[:40] or f"level-{index + 1}"
        if key in keys.values():
            key = f"{key}-{index + 1}"
        keys[level.name] = key
    return keys


def _alignment(a: AlignmentSpec) -> AlignmentInput:
    return AlignmentInput(
        target_url=a.url,
        target_name=a.title or a.code,
        target_framework=a.framework,
        target_code=a.code,
        target_type=a.target_type,
    )


def _fmt(value: float) -> str:
    return f"{value:g}"


def _criterion(c: CriterionSpec) -> CriterionInput:
    keys = level_keys(c)
    ordered = sorted(c.levels, key=lambda lv: lv.min_score)
    levels = []
    for i, lv in enumerate(ordered):
        upper = ordered[i + 1].min_score if i + 1 < len(ordered) else c.points
        band = f"{_fmt(lv.min_score)}-{_fmt(upper)}"
        levels.append(
            CriterionLevelInput(
                key=keys[lv.name], name=lv.name, description=lv.description, points=band
            )
        )
    required = ""
    if c.required:
        # The level whose band starts exactly at the threshold is "the level to reach".
        for lv in c.levels:
            if abs(lv.min_score - c.threshold_points) < 1e-9:
                required = keys[lv.name]
    return CriterionInput(
        key=c.key,
        name=c.title,
        levels=tuple(levels),
        required_level=required,
        value_min="0",
        value_max=_fmt(c.points),
        alignments=tuple(_alignment(a) for a in c.alignments),
    )


def build_achievement(
    *,
    base_url: str,
    achievement: Achievement,
    spec: VersionSpec,
    endorsements: tuple[str, ...] = (),
) -> AchievementInput:
    """The OB 3.0 Achievement: the rubric's criteria and levels, alignments of every criterion,
    and its endorsements (signed EndorsementCredential texts, embedded unchanged)."""
    alignments: dict[str, AlignmentInput] = {}
    for c in spec.criteria:
        for a in c.alignments:
            alignments.setdefault(a.url, _alignment(a))
    if achievement.image:
        image_url = base_url.rstrip("/") + achievement.image.url
    else:
        image_url = badge_data_uri(name=achievement.name, seed=str(achievement.uuid))
    return AchievementInput(
        id=achievement_url(base_url, achievement.uuid),
        name=achievement.name,
        description=achievement.description,
        criteria_narrative=achievement.criteria_narrative,
        achievement_type=achievement.achievement_type,
        image_url=image_url,
        image_caption=achievement.name,
        tags=tuple(str(t) for t in (achievement.tags or ())),
        alignments=tuple(alignments.values()),
        criteria=tuple(_criterion(c) for c in spec.criteria),
        language=achievement.language,
        endorsements=endorsements,
    )


def build_subject(*, learner: Learner, show_name: bool) -> SubjectInput:
    """Who earned it, by the most durable identifier the LMS gave us (hashed in the document)."""
    if learner.email:
        kind, value = IDENTITY_EMAIL, learner.email
    elif learner.lis_person_sourcedid:
        kind, value = IDENTITY_SOURCEDID, learner.lis_person_sourcedid
    else:
        kind, value = IDENTITY_LTI_USER, learner.sub
    return SubjectInput(
        identity_type=kind, identity_value=value, name=learner.name if show_name else ""
    )


def build_results(*, spec: VersionSpec, decision: dict[str, Any]) -> list[CriterionResultInput]:
    """One result per criterion of the stored decision (rubrics Decision.to_dict())."""
    by_key = {c["key"]: c for c in decision.get("criteria", ())}
    results = []
    for c in spec.criteria:
        got = by_key.get(c.key)
        if not got or got.get("observed") is None:
            continue
        keys = level_keys(c)
        results.append(
            CriterionResultInput(
                criterion_key=c.key,
                value=_fmt(float(got["observed"])),
                achieved_level=keys.get(got.get("level") or "", ""),
                status="Completed",
            )
        )
    return results


def build_evidence(*, base_url: str, award_uuid: Any, achievement_name: str) -> list[EvidenceInput]:
    return [
        EvidenceInput(
            id=evidence_url(base_url, award_uuid),
            name=f"Assessment evidence: {achievement_name}",
            narrative="The criteria, the scores and levels reached, and when they were graded.",
            genre="Assessment results",
        )
    ]


def granted_evidence(
    *, base_url: str, award_uuid: Any, items: list[dict[str, str]]
) -> list[EvidenceInput]:
    """A review or pathway award's evidence: the items it was granted on, then its public
    evidence page (which lists them for people)."""
    granted = [
        EvidenceInput(
            id=item["id"],
            name=item.get("name", ""),
            narrative=item.get("narrative", ""),
            genre=item.get("genre", ""),
        )
        for item in items
    ]
    return [
        *granted,
        EvidenceInput(
            id=evidence_url(base_url, award_uuid),
            name="How this award was granted",
            narrative="The evidence it was granted on and who reviewed it.",
            genre="Award record",
        ),
    ]


def validity(*, issued_at: datetime, validity_days: int | None) -> datetime | None:
    return issued_at + timedelta(days=validity_days) if validity_days else None
