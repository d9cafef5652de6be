"""A demo achievement and learner: for `issue_sample_credentials`, the demo, the benchmark and
a worker's warm-up (`process_warmup`)."""

from __future__ import annotations

import uuid
from dataclasses import replace

from .documents import (
    AchievementInput,
    AlignmentInput,
    CredentialInput,
    CriterionInput,
    CriterionLevelInput,
    CriterionResultInput,
    EvidenceInput,
    IssuerInput,
    StatusEntryInput,
    SubjectInput,
)

DIGCOMP = "DigComp 2.2"
DIGCOMP_URL = "https://joint-research-centre.ec.europa.eu/digcomp"
LEVELS = (
    CriterionLevelInput(
        "foundation", "Foundation", "Performs simple tasks with guidance.", "Foundation", "5-6"
    ),
    CriterionLevelInput(
        "intermediate",
        "Intermediate",
        "Performs well-defined tasks independently.",
        "Intermediate",
        "7-8",
    ),
    CriterionLevelInput(
        "advanced", "Advanced", "Adapts to new situations and guides others.", "Advanced", "9-10"
    ),
)
COMPETENCES = (
    ("1.1", "Browsing, searching and filtering data, information and digital content"),
    ("1.2", "Evaluating data, information and digital content"),
    ("3.1", "Developing digital content"),
)


def demo_achievement(base_url: str) -> AchievementInput:
    criteria = tuple(
        CriterionInput(
            key=f"digcomp-{code.replace('.', '-')}",
            name=name,
            levels=LEVELS,
            required_level="foundation",
            value_min="0",
            value_max="10",
            alignments=(
                AlignmentInput(
                    target_url=f"{DIGCOMP_URL}#{code}",
                    target_name=name,
                    target_framework=DIGCOMP,
                    target_code=code,
                    target_type="ceasn:Competency",
                ),
            ),
        )
        for code, name in COMPETENCES
    )
    return AchievementInput(
        id=f"{base_url}/achievements/00000000-0000-4000-8000-000000000001",
        name="Digital Skills Essentials",
        description="Awarded to learners who evaluate and develop digital content at DigComp "
        "Foundation level or above.",
        criteria_narrative="Reach at least the Foundation level in each of the three rubric "
        "criteria, as graded in the course gradebook.",
        achievement_type="Badge",
        tags=("DigComp", "digital skills"),
        alignments=tuple(c.alignments[0] for c in criteria),
        criteria=criteria,
    )


def demo_subject(n: int = 0) -> SubjectInput:
    return SubjectInput("emailAddress", f"demo.learner{n}@example.edu", name=f"Demo Learner {n}")


def demo_results(achievement: AchievementInput) -> list[CriterionResultInput]:
    return [
        CriterionResultInput(c.key, value=str(7 + i), achieved_level=LEVELS[min(i, 2)].key)
        for i, c in enumerate(achievement.criteria)
    ]


def demo_evidence(base_url: str, credential_uuid: str) -> list[EvidenceInput]:
    return [
        EvidenceInput(
            id=f"{base_url}/evidence/{credential_uuid}",
            name="Rubric assessment",
            narrative="Scores per criterion, graded by the instructor in the LMS gradebook.",
            genre="Assessment",
        )
    ]


def demo_credential_input(
    n: int, *, base_url: str, issuer: IssuerInput, achievement: AchievementInput
) -> CredentialInput:
    """The `n`th demo learner's credential of `achievement`: the same input for the same `n`
    (id, salt and status index follow from it)."""
    cid = str(uuid.UUID(int=n + 1, version=4))
    return CredentialInput(
        credential_id=f"urn:uuid:{cid}",
        issuer=issuer,
        achievement=achievement,
        subject=replace(demo_subject(n), salt=f"{n:08x}"),
        valid_from="2026-01-15T10:00:00Z",
        results=tuple(demo_results(achievement)),
        evidence=tuple(demo_evidence(base_url, cid)),
        status=StatusEntryInput(f"{base_url}/status-lists/demo/1", (n * 7919) % 131072),
    )
