"""Plain inputs of an Open Badges 3.0 credential (the contract with the awarding app).

Frozen dataclasses, no ORM: awarding fills them from its achievements, rubric versions and
decisions; `credential_json.compose_credential` turns them into the JSON-LD document. Keys of
criteria and levels are short slugs; the composer derives stable absolute ids from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# OB 3.0 IdentifierTypeEnum values used for the subject's hashed identifier.
IDENTITY_EMAIL = "emailAddress"
IDENTITY_SOURCEDID = "lisSourcedId"
IDENTITY_LTI_USER = "ltiUserId"


@dataclass(frozen=True)
class AlignmentInput:
    """A framework competence the achievement (or a level) aligns to, e.g. DigComp 2.2 '1.1'."""

    target_url: str
    target_name: str
    target_framework: str = ""
    target_code: str = ""
    target_description: str = ""
    target_type: str = ""  # an OB AlignmentTargetType, e.g. "ceasn:Competency"; "" omits it


@dataclass(frozen=True)
class CriterionLevelInput:
    key: str
    name: str
    description: str = ""
    level: str = ""  # e.g. the DigComp proficiency level "Intermediate"
    points: str = ""  # the score band as text, e.g. "6-8"
    alignments: tuple[AlignmentInput, ...] = ()


@dataclass(frozen=True)
class CriterionInput:
    """A rubric criterion; becomes a ResultDescription of type RubricCriterionLevel."""

    key: str
    name: str
    levels: tuple[CriterionLevelInput, ...] = ()
    required_level: str = ""  # key of the level that must be reached; "" = none
    value_min: str = ""
    value_max: str = ""
    alignments: tuple[AlignmentInput, ...] = ()


@dataclass(frozen=True)
class AchievementInput:
    id: str  # stable absolute URL that resolves (the achievement page)
    name: str
    description: str
    criteria_narrative: str
    achievement_type: str = "Badge"  # OB AchievementType
    image_url: str = ""
    image_caption: str = ""
    tags: tuple[str, ...] = ()
    alignments: tuple[AlignmentInput, ...] = ()
    criteria: tuple[CriterionInput, ...] = ()
    criteria_url: str = ""
    human_code: str = ""
    field_of_study: str = ""
    # BCP 47 code of the language name, description and criteria are written in ("" unknown).
    language: str = ""
    # Signed EndorsementCredentials of this achievement, each as its exact JSON text (text
    # keeps the dataclass hashable; the composer embeds them as `endorsement`).
    endorsements: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubjectInput:
    """Who earned it. The identifier is hashed with `salt` (SHA-256) before it enters the document.

    `identity_type` is one of IDENTITY_EMAIL / IDENTITY_SOURCEDID / IDENTITY_LTI_USER (or another
    OB IdentifierTypeEnum value); `name` is "" when the institution does not publish names.
    An empty `salt` lets the issuance service draw a random one.
    """

    identity_type: str
    identity_value: str
    salt: str = ""
    name: str = ""


@dataclass(frozen=True)
class CriterionResultInput:
    criterion_key: str
    value: str = ""  # the observed score as text, e.g. "8"
    achieved_level: str = ""  # level key; "" = no level reached
    status: str = "Completed"  # OB ResultStatusType


@dataclass(frozen=True)
class EvidenceInput:
    id: str  # absolute URL of the evidence page
    name: str
    narrative: str = ""
    genre: str = ""
    description: str = ""
    audience: str = ""


@dataclass(frozen=True)
class IssuerInput:
    """The issuer Profile as it appears inside credentials (filled from the Issuer model)."""

    id: str  # did:web:…
    name: str
    url: str
    email: str = ""
    description: str = ""
    image_url: str = ""


@dataclass(frozen=True)
class StatusEntryInput:
    list_url: str  # URL of the BitstringStatusListCredential
    index: int
    purpose: str = "revocation"


@dataclass(frozen=True)
class CredentialInput:
    """Everything the composer needs for one credential."""

    credential_id: str  # "urn:uuid:…"
    issuer: IssuerInput
    achievement: AchievementInput
    subject: SubjectInput
    valid_from: str  # YYYY-MM-DDTHH:MM:SSZ
    valid_until: str = ""
    results: tuple[CriterionResultInput, ...] = ()
    evidence: tuple[EvidenceInput, ...] = ()
    status: StatusEntryInput | None = None
    extra_contexts: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class StackInput:
    """A stacked (pathway) credential of a record and the component credentials it stacks,
    by their credential ids ("urn:uuid:…"), all of them in the same record."""

    credential_id: str
    component_ids: tuple[str, ...]


@dataclass(frozen=True)
class ClrInput:
    """Everything the composer needs for one CLR 2.0 ClrCredential (a learner's record).

    `credentials` are the signed AchievementCredentials exactly as issued (parsed JSON);
    `stacks` says which of them stack which others (the associations of the record).
    """

    record_id: str  # "urn:uuid:…"
    issuer: IssuerInput
    subject: SubjectInput
    name: str
    valid_from: str  # YYYY-MM-DDTHH:MM:SSZ
    credentials: tuple[dict[str, Any], ...]
    description: str = ""
    stacks: tuple[StackInput, ...] = ()
    status: StatusEntryInput | None = None
