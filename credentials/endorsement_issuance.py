"""issue_endorsement: an EndorsementCredential signed by one of our issuers, stored as a
Credential (so its status list entry, key rotation, compromised-key rule and revocation are
those of every other credential), in one transaction, idempotent on its id.

Stored private (`is_public` false): the `/credentials/<uuid>` pages describe an achievement a
learner earned; an endorsement's public page belongs to the app that knows what it endorses.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.utils import timezone

from .documents import StatusEntryInput
from .endorsement_json import EndorsementInput, compose_endorsement
from .issuers import issuer_input
from .local_verification import verify_credential
from .models import Credential, Issuer
from .signed_storage import sign_and_store
from .signing import format_datetime


def issue_endorsement(
    *,
    issuer: Issuer,
    credential_id: uuid.UUID,
    subject_id: str,
    subject_name: str,
    comment: str,
    valid_from: datetime | None = None,
) -> Credential:
    """Sign and store `issuer`'s endorsement of `subject_id`; a second call returns the first."""
    existing = Credential.objects.filter(pk=credential_id).first()
    if existing is not None:
        return existing
    now = timezone.now().replace(microsecond=0)
    valid_from = valid_from or now
    name = f"Endorsement of {subject_name}"[:500]

    def compose(status: StatusEntryInput) -> dict:
        return compose_endorsement(
            EndorsementInput(
                credential_id=f"urn:uuid:{credential_id}",
                issuer=issuer_input(issuer),
                subject_id=subject_id,
                name=name,
                comment=comment,
                valid_from=format_datetime(valid_from),
                status=status,
            )
        )

    return sign_and_store(
        issuer=issuer,
        credential_id=credential_id,
        now=now,
        compose=compose,
        problems_of=lambda signed: verify_credential(signed, now=max(now, valid_from)).errors,
        kind="endorsement",
        row={
            "achievement_id": subject_id[:500],
            "achievement_name": name,
            "is_public": False,
            "valid_from": valid_from,
        },
    )
