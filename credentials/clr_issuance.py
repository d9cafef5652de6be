"""issue_record: a learner's record (CLR 2.0) composed, signed, verified and stored.

The same steps as a course credential (`credential_issuance.issue_credential`): the issuer's
current key, a random free index in its status list, the pre-sign check, the proof, the
verifier of the public page (the record and every credential in it must pass), both JWT
forms, one `Credential` row, all in one transaction. A record is private when stored
(`is_public=False`): its public credential page answers 404 and it is shown only to its
learner, or to whoever has the learner's share link (learner_records).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import replace
from datetime import datetime

from django.utils import timezone

from .clr_json import compose_clr
from .documents import ClrInput, StackInput, StatusEntryInput, SubjectInput
from .issuers import issuer_input
from .local_verification import verify_credential, verify_record_contents
from .models import Credential, Issuer
from .signed_storage import sign_and_store
from .signing import format_datetime

# What `Credential.achievement_id` holds for a record (it has no one achievement): the CLR
# type's IRI, so a stored row says what it is.
RECORD_ACHIEVEMENT_ID = "https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrCredential"


def _problems(signed: dict, now: datetime) -> list[str]:
    """The record's own and every embedded credential's (by position) verification errors."""
    problems = list(verify_credential(signed, now=now).errors)
    for embedded in verify_record_contents(signed, now=now):
        problems += [f"credential {embedded.position}: {e}" for e in embedded.result.errors]
    return problems


def issue_record(
    *,
    issuer: Issuer,
    record_id: uuid.UUID,
    subject: SubjectInput,
    name: str,
    credentials: list[Credential],
    stacks: list[StackInput],
    description: str = "",
) -> Credential:
    """Sign and store a ClrCredential embedding `credentials` (oldest first) exactly as
    issued; a second call with the same id returns the stored record."""
    existing = Credential.objects.filter(pk=record_id).first()
    if existing is not None:
        return existing
    if not subject.salt:
        subject = replace(subject, salt=secrets.token_hex(16))
    embedded = tuple(c.data for c in credentials)
    now = timezone.now().replace(microsecond=0)

    def compose(status: StatusEntryInput) -> dict:
        return compose_clr(
            ClrInput(
                record_id=f"urn:uuid:{record_id}",
                issuer=issuer_input(issuer),
                subject=subject,
                name=name,
                description=description,
                valid_from=format_datetime(now),
                credentials=embedded,
                stacks=tuple(stacks),
                status=status,
            )
        )

    return sign_and_store(
        issuer=issuer,
        credential_id=record_id,
        now=now,
        compose=compose,
        problems_of=lambda signed: _problems(signed, now),
        kind="record",
        row={
            "achievement_id": RECORD_ACHIEVEMENT_ID,
            "achievement_name": name[:500],
            "is_public": False,
            "valid_from": now,
        },
    )
