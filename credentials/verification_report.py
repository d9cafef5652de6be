"""What the verification page shows: the five parts a verifier checks, each passed, failed or
not checked, with a sentence a person understands. Pure: a VerificationResult in, parts out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .verification_checks import VerificationResult

State = Literal["pass", "fail", "not_checked"]


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    state: State
    sentence: str


# Part -> the check names of verification_checks that decide it, in the order they run.
PARTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("proof", "Proof (signature)", ("format", "proof")),
    ("issuer_key", "Issuer key in its did:web document", ("issuer", "key")),
    ("status", "Status (revoked or suspended)", ("status",)),
    ("expiry", "Validity dates (expiry)", ("dates",)),
    ("schema", "Open Badges 3.0 schema", ("schema",)),
)

NOT_REACHED = "Not checked: the credential failed an earlier check."
NOT_APPLICABLE = {
    "status": "Not checked: the credential names no status list.",
    "schema": "Not checked.",
}


def report(result: VerificationResult, *, schema_title: str = "") -> list[Part]:
    """The five parts; `schema_title` names the schema part when it is not OB 3.0's (a
    learner's record is checked against the CLR 2.0 schema)."""
    failed_early = any(
        not c.ok for c in result.checks if c.name in ("format", "proof", "issuer", "key")
    )
    parts = []
    for key, title, names in PARTS:
        if key == "schema" and schema_title:
            title = schema_title
        checks = [c for c in result.checks if c.name in names]
        failed = [c for c in checks if not c.ok]
        if failed:
            parts.append(Part(key, title, "fail", failed[0].message))
        elif checks and (key != "issuer_key" or any(c.name == "issuer" for c in checks)):
            parts.append(Part(key, title, "pass", " ".join(c.message for c in checks)))
        elif failed_early:
            parts.append(Part(key, title, "not_checked", NOT_REACHED))
        else:
            parts.append(Part(key, title, "not_checked", NOT_APPLICABLE.get(key, NOT_REACHED)))
    return parts
