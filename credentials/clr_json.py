"""Compose a CLR 2.0 `ClrCredential` (a learner's record) from plain inputs.

Pure: a ClrInput in, a JSON-ready dict out, checked and signed afterwards like every other
credential (`signing.sign_credential`). The record embeds the learner's AchievementCredentials
exactly as they were issued (`verifiableCredential`: each keeps its own proof and status, so a
verifier checks each one on its own), lists their achievements once each (`achievement`), and
says how they stack (`association`): a pathway's achievement `isParentOf` each component's
achievement, and each component `isChildOf` the pathway's.

The contexts are those of the CLR 2.0 examples: VC 2.0, CLR 2.0.1, OB 3.0.3 (in that order:
the CLR context's scoped terms, e.g. ClrSubject's `achievement`, are applied inside nodes of
its types, the OB context's everywhere else).
"""

from __future__ import annotations

from typing import Any

from .credential_json import CompositionError, issuer_json, status_json, subject_json
from .documents import ClrInput, StackInput
from .jsonld_loader import CLR_V2, OB_V3, VC_V2

CLR_CONTEXTS = (VC_V2, CLR_V2, OB_V3)
CLR_TYPE = "ClrCredential"
PARENT, CHILD = "isParentOf", "isChildOf"


def _achievement_of(credential: dict[str, Any]) -> dict[str, Any]:
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if not isinstance(achievement, dict) or not isinstance(achievement.get("id"), str):
        raise CompositionError(
            f"credential {credential.get('id')!r} is not an AchievementCredential"
        )
    return achievement


def _association(kind: str, source: str, target: str) -> dict[str, str]:
    return {"type": "Association", "associationType": kind, "sourceId": source, "targetId": target}


def associations_json(
    stacks: tuple[StackInput, ...], achievement_ids: dict[str, str]
) -> list[dict[str, str]]:
    """Both directions of every stack, in terms of achievements (an Association's ends are
    achievement ids); `achievement_ids` maps each credential id of the record to its
    achievement's id."""
    out: list[dict[str, str]] = []
    for stack in stacks:
        ids = (stack.credential_id, *stack.component_ids)
        missing = [i for i in ids if i not in achievement_ids]
        if missing:
            raise CompositionError(f"the stack names credentials not in the record: {missing}")
        parent = achievement_ids[stack.credential_id]
        for component in stack.component_ids:
            child = achievement_ids[component]
            out.append(_association(PARENT, parent, child))
            out.append(_association(CHILD, child, parent))
    # The same pair twice (two stacks sharing a component's achievement) says nothing more.
    return list({tuple(sorted(a.items())): a for a in out}.values())


def compose_clr(data: ClrInput) -> dict[str, Any]:
    """The unsigned ClrCredential document for `data`."""
    if not data.credentials:
        raise CompositionError("a learner's record needs at least one credential")
    achievement_ids: dict[str, str] = {}
    achievements: dict[str, dict[str, Any]] = {}
    for credential in data.credentials:
        achievement = _achievement_of(credential)
        achievement_ids[str(credential.get("id"))] = achievement["id"]
        # The latest issued wording of an achievement stands for it (credentials come oldest
        # first); every credential keeps its own copy.
        achievements[achievement["id"]] = achievement
    if len(achievement_ids) != len(data.credentials):
        raise CompositionError("a credential appears twice in the record")
    subject = subject_json(data.subject)
    subject["type"] = ["ClrSubject"]
    subject["verifiableCredential"] = list(data.credentials)
    subject["achievement"] = list(achievements.values())
    associations = associations_json(data.stacks, achievement_ids)
    if associations:
        subject["association"] = associations
    document: dict[str, Any] = {
        "@context": list(CLR_CONTEXTS),
        "id": data.record_id,
        "type": ["VerifiableCredential", CLR_TYPE],
        "name": data.name,
        "issuer": issuer_json(data.issuer),
        "validFrom": data.valid_from,
    }
    if data.description:
        document["description"] = data.description
    document["credentialSubject"] = subject
    if data.status is not None:
        document["credentialStatus"] = status_json(data.status)
    return document


def is_clr(document: object) -> bool:
    """Whether `document` says it is a ClrCredential (its type, nothing more)."""
    if not isinstance(document, dict):
        return False
    types = document.get("type")
    return CLR_TYPE in (types if isinstance(types, list) else [types])


def embedded_credentials(document: dict[str, Any]) -> list[Any]:
    """The record's `verifiableCredential` entries as given (a single one becomes a list)."""
    subject = document.get("credentialSubject")
    embedded = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    if embedded is None:
        return []
    return embedded if isinstance(embedded, list) else [embedded]
