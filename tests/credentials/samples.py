"""Sample inputs shared by the credential tests (and mirrored by the benchmark)."""

from __future__ import annotations

from credentials.documents import (
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

BASE = "https://credbridge.example.edu"
DIGCOMP = "DigComp 2.2"

LEVELS = (
    CriterionLevelInput("foundation", "Foundation", "Basic use with guidance", "Foundation", "5-6"),
    CriterionLevelInput("intermediate", "Intermediate", "Independent use", "Intermediate", "7-8"),
    CriterionLevelInput("advanced", "Advanced", "Guides others", "Advanced", "9-10"),
)


def sample_achievement(n_criteria: int = 3) -> AchievementInput:
    criteria = tuple(
        CriterionInput(
            key=f"c{i}",
            name=f"Criterion {i}: evaluate digital content",
            levels=LEVELS,
            required_level="foundation",
            value_min="0",
            value_max="10",
            alignments=(
                AlignmentInput(
                    target_url=f"https://ec.europa.eu/digcomp/1.{i}",
                    target_name=f"Competence 1.{i}",
                    target_framework=DIGCOMP,
                    target_code=f"1.{i}",
                    target_type="ceasn:Competency",
                ),
            ),
        )
        for i in range(1, n_criteria + 1)
    )
    return AchievementInput(
        id=f"{BASE}/achievements/5b0f4a8e-2d8e-4c3c-9a55-1d2c3b4a5f60",
        name="Digital Literacy <Foundations> & more",
        description="Awarded for evaluating data, information and digital content.",
        criteria_narrative="Reach at least Foundation level on every criterion.",
        achievement_type="Badge",
        image_url=f"{BASE}/static/badge.png",
        image_caption="Digital Literacy badge",
        tags=("digcomp", "information literacy"),
        alignments=(
            AlignmentInput(
                target_url="https://ec.europa.eu/digcomp/1",
                target_name="Information and data literacy",
                target_framework=DIGCOMP,
                target_code="1",
            ),
        ),
        criteria=criteria,
    )


def sample_input(
    credential_uuid: str = "0f8fad5b-d9cb-469f-a165-70867728950e",
    *,
    n_criteria: int = 3,
    name: str = "Ada Lovelace",
    email: str = "Ada@Example.edu",
    status_index: int | None = 4242,
) -> CredentialInput:
    achievement = sample_achievement(n_criteria)
    return CredentialInput(
        credential_id=f"urn:uuid:{credential_uuid}",
        issuer=IssuerInput(
            id="did:web:credbridge.example.edu:issuers:uni",
            name="Example University",
            url="https://www.example.edu",
            email="badges@example.edu",
            description="A university that issues micro-credentials.",
            image_url=f"{BASE}/static/logo.png",
        ),
        achievement=achievement,
        subject=SubjectInput("emailAddress", email, salt="c0ffee1234", name=name),
        valid_from="2026-01-15T10:00:00Z",
        valid_until="2029-01-15T10:00:00Z",
        results=tuple(
            CriterionResultInput(c.key, value=str(6 + i), achieved_level=LEVELS[i % 3].key)
            for i, c in enumerate(achievement.criteria)
        ),
        evidence=(
            EvidenceInput(
                id=f"{BASE}/evidence/{credential_uuid}",
                name="Assessment evidence",
                narrative="Graded in the course gradebook.",
                genre="Assessment",
            ),
        ),
        status=None
        if status_index is None
        else StatusEntryInput(f"{BASE}/status-lists/uni/1", status_index),
    )
