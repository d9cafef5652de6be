"""Compose an Open Badges 3.0 AchievementCredential (VC Data Model 2.0) from plain inputs.

Pure: dataclasses in, a JSON-ready dict out. Empty optional fields are left out rather than
written as "" so that verifiers and the OB JSON Schema see only meaningful values. The
document is then checked (`document_checks.check_document`) before anyone signs it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .documents import (
    AchievementInput,
    AlignmentInput,
    CredentialInput,
    CriterionInput,
    CriterionResultInput,
    EvidenceInput,
    IssuerInput,
    StatusEntryInput,
    SubjectInput,
)
from .jsonld_loader import OB_V3, VC_V2

CONTEXTS = (VC_V2, OB_V3)


class CompositionError(ValueError):
    """The inputs cannot make a valid credential (e.g. a result for an unknown criterion)."""


def _put(target: dict[str, Any], key: str, value: object) -> None:
    if value not in ("", None, (), []):
        target[key] = value


def hash_identity(value: str, salt: str) -> str:
    """OB 3.0 identityHash: 'sha256$' + hex SHA-256 of the plaintext followed by the salt."""
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def normalise_identity(identity_type: str, value: str) -> str:
    # Emails are compared case-insensitively by people; hash one canonical spelling.
    value = value.strip()
    return value.lower() if identity_type == "emailAddress" else value


def criterion_id(achievement_id: str, key: str) -> str:
    return f"{achievement_id}#criterion-{key}"


def level_id(achievement_id: str, criterion_key: str, level_key: str) -> str:
    return f"{achievement_id}#criterion-{criterion_key}-level-{level_key}"


def alignments_json(alignments: tuple[AlignmentInput, ...]) -> list[dict[str, Any]]:
    # The same alignment twice says nothing more, and would be two indistinguishable blank
    # nodes (the slow, general path of RDF canonicalization).
    return [alignment_json(a) for a in dict.fromkeys(alignments)]


def alignment_json(alignment: AlignmentInput) -> dict[str, Any]:
    out = {"type": ["Alignment"], "targetName": alignment.target_name}
    out["targetUrl"] = alignment.target_url
    _put(out, "targetFramework", alignment.target_framework)
    _put(out, "targetCode", alignment.target_code)
    _put(out, "targetDescription", alignment.target_description)
    _put(out, "targetType", alignment.target_type)
    return out


def _result_description(achievement_id: str, criterion: CriterionInput) -> dict[str, Any]:
    out = {
        "id": criterion_id(achievement_id, criterion.key),
        "type": ["ResultDescription"],
        "name": criterion.name,
        "resultType": "RubricCriterionLevel",
    }
    levels = []
    for level in criterion.levels:
        entry = {
            "id": level_id(achievement_id, criterion.key, level.key),
            "type": ["RubricCriterionLevel"],
            "name": level.name,
        }
        _put(entry, "description", level.description)
        _put(entry, "level", level.level)
        _put(entry, "points", level.points)
        _put(entry, "alignment", alignments_json(level.alignments))
        levels.append(entry)
    _put(out, "rubricCriterionLevel", levels)
    if criterion.required_level:
        if criterion.required_level not in {lv.key for lv in criterion.levels}:
            raise CompositionError(
                f"criterion {criterion.key!r}: required level {criterion.required_level!r} "
                "is not one of its levels"
            )
        out["requiredLevel"] = level_id(achievement_id, criterion.key, criterion.required_level)
    _put(out, "valueMin", criterion.value_min)
    _put(out, "valueMax", criterion.value_max)
    _put(out, "alignment", alignments_json(criterion.alignments))
    return out


def achievement_json(achievement: AchievementInput) -> dict[str, Any]:
    criteria: dict[str, Any] = {}
    _put(criteria, "id", achievement.criteria_url)
    _put(criteria, "narrative", achievement.criteria_narrative)
    out = {
        "id": achievement.id,
        "type": ["Achievement"],
        "achievementType": achievement.achievement_type,
        "name": achievement.name,
        "description": achievement.description,
        "criteria": criteria,
    }
    if achievement.image_url:
        image = {"id": achievement.image_url, "type": "Image"}
        _put(image, "caption", achievement.image_caption)
        out["image"] = image
    _put(out, "tag", list(achievement.tags))
    _put(out, "humanCode", achievement.human_code)
    _put(out, "fieldOfStudy", achievement.field_of_study)
    # OB 3.0's tag for the language the achievement is written in (what the issuer typed is
    # never translated; readers in other languages know what they are reading).
    _put(out, "inLanguage", achievement.language)
    _put(out, "alignment", alignments_json(achievement.alignments))
    # OB 3.0 places an achievement's endorsements on the Achievement itself; they are signed
    # credentials of their own, embedded unchanged (their proofs stay verifiable).
    _put(out, "endorsement", [json.loads(text) for text in achievement.endorsements])
    keys = [c.key for c in achievement.criteria]
    if len(set(keys)) != len(keys):
        raise CompositionError("criterion keys must be unique within an achievement")
    _put(
        out,
        "resultDescription",
        [_result_description(achievement.id, c) for c in achievement.criteria],
    )
    return out


def issuer_json(issuer: IssuerInput) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": issuer.id,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
    }
    _put(out, "email", issuer.email)
    _put(out, "description", issuer.description)
    if issuer.image_url:
        out["image"] = {"id": issuer.image_url, "type": "Image"}
    return out


def subject_json(subject: SubjectInput) -> dict[str, Any]:
    if not subject.identity_value.strip():
        raise CompositionError("the subject has no identifier (email, sourcedid or user id)")
    if not subject.salt:
        raise CompositionError("the subject's identifier needs a salt")
    value = normalise_identity(subject.identity_type, subject.identity_value)
    out = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": hash_identity(value, subject.salt),
                "identityType": subject.identity_type,
                "hashed": True,
                "salt": subject.salt,
            }
        ],
    }
    _put(out, "name", subject.name)
    return out


def _results_json(
    achievement: AchievementInput, results: tuple[CriterionResultInput, ...]
) -> list[dict[str, Any]]:
    criteria = {c.key: c for c in achievement.criteria}
    out = []
    for result in results:
        criterion = criteria.get(result.criterion_key)
        if criterion is None:
            raise CompositionError(f"result for unknown criterion {result.criterion_key!r}")
        entry = {
            "type": ["Result"],
            "resultDescription": criterion_id(achievement.id, criterion.key),
        }
        if result.achieved_level:
            if result.achieved_level not in {lv.key for lv in criterion.levels}:
                raise CompositionError(
                    f"criterion {criterion.key!r} has no level {result.achieved_level!r}"
                )
            entry["achievedLevel"] = level_id(achievement.id, criterion.key, result.achieved_level)
        _put(entry, "value", result.value)
        _put(entry, "status", result.status)
        out.append(entry)
    return out


def _evidence_json(evidence: EvidenceInput) -> dict[str, Any]:
    out = {"id": evidence.id, "type": ["Evidence"]}
    _put(out, "name", evidence.name)
    _put(out, "narrative", evidence.narrative)
    _put(out, "description", evidence.description)
    _put(out, "genre", evidence.genre)
    _put(out, "audience", evidence.audience)
    return out


def compose_credential(data: CredentialInput) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential document for `data`."""
    achievement = data.achievement
    subject = subject_json(data.subject)
    subject["achievement"] = achievement_json(achievement)
    _put(subject, "result", _results_json(achievement, data.results))
    doc = {
        "@context": [*CONTEXTS, *data.extra_contexts],
        "id": data.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name,
        "issuer": issuer_json(data.issuer),
        "validFrom": data.valid_from,
    }
    _put(doc, "validUntil", data.valid_until)
    doc["credentialSubject"] = subject
    _put(doc, "evidence", [_evidence_json(e) for e in data.evidence])
    if data.status is not None:
        doc["credentialStatus"] = status_json(data.status)
    return doc


def status_json(status: StatusEntryInput) -> dict[str, Any]:
    """The credential's BitstringStatusListEntry: its index in the issuer's list."""
    return {
        "id": f"{status.list_url}#{status.index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": status.purpose,
        "statusListIndex": str(status.index),
        "statusListCredential": status.list_url,
    }
