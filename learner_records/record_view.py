"""What a record page shows, read from the signed record itself (pure): the institution, and
the credentials in it grouped by how they stack (a pathway's components under it).

A component of two pathways is listed under each; a credential that stacks nothing and is
stacked by nothing stands alone. Only what the record says is shown, so the page and the
downloaded file never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from credentials.clr_json import PARENT, embedded_credentials


@dataclass
class Entry:
    credential_id: str
    name: str
    achievement_type: str
    issued: str  # YYYY-MM-DD
    state: str  # "active", "revoked", ... as verified now; "" when not verified
    children: list[Entry] = field(default_factory=list)


@dataclass(frozen=True)
class RecordView:
    name: str
    institution: str
    issued: str
    entries: list[Entry]
    count: int


def _entry(credential: dict[str, Any], states: dict[str, str]) -> Entry:
    subject = credential.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    credential_id = str(credential.get("id", ""))
    return Entry(
        credential_id=credential_id,
        name=str(achievement.get("name") or credential.get("name") or ""),
        achievement_type=str(achievement.get("achievementType") or ""),
        issued=str(credential.get("validFrom", ""))[:10],
        state=states.get(credential_id, ""),
    )


def record_view(document: dict[str, Any], states: dict[str, str] | None = None) -> RecordView:
    """`states`: credential id -> its status as verified now (see verify_record_contents)."""
    states = states or {}
    credentials = [c for c in embedded_credentials(document) if isinstance(c, dict)]
    by_achievement: dict[str, list[dict[str, Any]]] = {}
    for credential in credentials:
        achievement = (credential.get("credentialSubject") or {}).get("achievement") or {}
        by_achievement.setdefault(str(achievement.get("id", "")), []).append(credential)
    children_of: dict[str, list[str]] = {}
    for association in (document.get("credentialSubject") or {}).get("association") or []:
        if association.get("associationType") == PARENT:
            children_of.setdefault(association["sourceId"], []).append(association["targetId"])
    stacked = {child for children in children_of.values() for child in children}
    entries = []
    for achievement_id, held in by_achievement.items():
        if achievement_id in stacked and achievement_id not in children_of:
            continue  # shown under the pathway that stacks it
        for credential in held:
            entry = _entry(credential, states)
            for child_id in children_of.get(achievement_id, []):
                entry.children += [_entry(c, states) for c in by_achievement.get(child_id, [])]
            entries.append(entry)
    issuer = document.get("issuer") or {}
    return RecordView(
        name=str(document.get("name", "")),
        institution=str(issuer.get("name", "") if isinstance(issuer, dict) else issuer),
        issued=str(document.get("validFrom", ""))[:10],
        entries=entries,
        count=len(credentials),
    )
