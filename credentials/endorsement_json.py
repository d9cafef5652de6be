"""Compose and read OB 3.0 EndorsementCredentials (pure: plain data in, JSON-ready dicts out).

An endorsement is a credential whose subject is something else: here one of our achievements
(its page URL) or an issuer's Profile (its DID). Who endorses is the credential's `issuer`:
the institution's own issuer (signed by credentials.endorsement_issuance) or an outside
organisation that signed it itself under its did:web.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .credential_json import CONTEXTS, issuer_json
from .documents import IssuerInput, StatusEntryInput

ENDORSEMENT_TYPES = ("VerifiableCredential", "EndorsementCredential")


@dataclass(frozen=True)
class EndorsementInput:
    """Everything the composer needs for one endorsement."""

    credential_id: str  # an absolute URL or urn:uuid
    issuer: IssuerInput
    subject_id: str  # the achievement's URL or the issuer profile's DID
    name: str
    comment: str
    valid_from: str  # YYYY-MM-DDTHH:MM:SSZ
    status: StatusEntryInput | None = None


def compose_endorsement(data: EndorsementInput) -> dict[str, Any]:
    """The unsigned EndorsementCredential document for `data`."""
    subject: dict[str, Any] = {"id": data.subject_id, "type": ["EndorsementSubject"]}
    if data.comment.strip():
        subject["endorsementComment"] = data.comment.strip()
    doc: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": data.credential_id,
        "type": list(ENDORSEMENT_TYPES),
        "name": data.name,
        "issuer": issuer_json(data.issuer),
        "validFrom": data.valid_from,
        "credentialSubject": subject,
    }
    if data.status is not None:
        doc["credentialStatus"] = {
            "id": f"{data.status.list_url}#{data.status.index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": data.status.purpose,
            "statusListIndex": str(data.status.index),
            "statusListCredential": data.status.list_url,
        }
    return doc


def endorsed_subject_id(document: dict[str, Any]) -> str:
    """The id of what the endorsement is about ("" when it names none)."""
    subject = document.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, dict):
        return ""
    value = subject.get("id")
    return value if isinstance(value, str) else ""


def endorsement_comment(document: dict[str, Any]) -> str:
    subject = document.get("credentialSubject")
    if isinstance(subject, dict):
        comment = subject.get("endorsementComment")
        if isinstance(comment, str):
            return comment
    return ""


def endorser_of(document: dict[str, Any]) -> tuple[str, str]:
    """(issuer id, issuer name) as the endorsement states them ("" where missing)."""
    issuer = document.get("issuer")
    if isinstance(issuer, str):
        return issuer, ""
    if not isinstance(issuer, dict):
        return "", ""
    issuer_id, name = issuer.get("id"), issuer.get("name")
    return (
        issuer_id if isinstance(issuer_id, str) else "",
        name if isinstance(name, str) else "",
    )
