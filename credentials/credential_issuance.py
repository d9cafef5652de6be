"""issue_credential: compose → sign → verify → store, in one transaction, idempotent on its id."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import replace
from datetime import datetime

from django.utils import timezone

from .credential_json import compose_credential
from .documents import (
    AchievementInput,
    CredentialInput,
    CriterionResultInput,
    EvidenceInput,
    StatusEntryInput,
    SubjectInput,
)
from .issuers import issuer_input
from .local_verification import verify_credential
from .models import Credential, Issuer
from .signed_storage import (
    IssuanceError,
    SigningBatch,
    serialize,
    sign_and_store,
    signing_batch,
    store_rows,
)
from .signing import format_datetime

# Callers name these here, where course credentials are issued.
__all__ = [
    "IssuanceError",
    "SigningBatch",
    "issue_credential",
    "serialize",
    "signing_batch",
    "store_rows",
]


def issue_credential(
    *,
    issuer: Issuer,
    credential_id: uuid.UUID,
    achievement: AchievementInput,
    subject: SubjectInput,
    results: list[CriterionResultInput],
    evidence: list[EvidenceInput],
    valid_from: datetime,
    valid_until: datetime | None = None,
    batch: SigningBatch | None = None,
    store: bool = True,
) -> Credential:
    """Sign and store a credential; a second call with the same id returns the stored one.

    `batch` (from `signing_batch` with this id among its `credential_ids`): what a batch of
    this issuer's credentials reads once (ADR 0074); the caller then holds a savepoint per
    credential, which a failure of this one rolls back. `store=False` (with a batch): a new
    credential comes back signed, self-checked and unsaved, for `store_rows` (ADR 0076).
    """
    if batch is not None:
        existing = batch.stored.get(credential_id)
    else:
        existing = Credential.objects.filter(pk=credential_id).first()
    if existing is not None:
        return existing
    if not subject.salt:
        subject = replace(subject, salt=secrets.token_hex(16))
    now = timezone.now().replace(microsecond=0)

    def compose(status: StatusEntryInput) -> dict:
        return compose_credential(
            CredentialInput(
                credential_id=f"urn:uuid:{credential_id}",
                issuer=issuer_input(issuer),
                achievement=achievement,
                subject=subject,
                valid_from=format_datetime(valid_from),
                valid_until=format_datetime(valid_until) if valid_until else "",
                results=tuple(results),
                evidence=tuple(evidence),
                status=status,
            )
        )

    return sign_and_store(
        issuer=issuer,
        credential_id=credential_id,
        now=now,
        compose=compose,
        # The same verifier as the public page; a future validFrom is not a defect here.
        problems_of=lambda signed: (
            verify_credential(
                signed, now=max(now, valid_from), known=batch.known if batch else None
            ).errors
        ),
        kind="credential",
        row={
            "achievement_id": achievement.id[:500],
            "achievement_name": achievement.name[:500],
            "valid_from": valid_from,
            "valid_until": valid_until,
        },
        batch=batch,
        store=store,
    )
