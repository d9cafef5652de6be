"""issue_credential: compose → sign → verify → store, in one transaction, idempotent on its id."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import replace
from datetime import datetime

from django.db import IntegrityError, transaction
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
from .signing import format_datetime, sign_credential
from .signing_keys import current_signing_key
from .status_lists import open_status_list, random_free_index
from .vc_jwt import encode_ob_jwt, encode_vc_jose

INDEX_ATTEMPTS = 5


class IssuanceError(RuntimeError):
    """The credential could not be issued; nothing was stored. The message says why."""


def serialize(document: dict) -> str:
    # The stored (and served, and exported) bytes: readable, and never re-serialized.
    return json.dumps(document, ensure_ascii=False, indent=2)


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
) -> Credential:
    """Sign and store a credential; a second call with the same id returns the stored one."""
    existing = Credential.objects.filter(pk=credential_id).first()
    if existing is not None:
        return existing
    if not subject.salt:
        subject = replace(subject, salt=secrets.token_hex(16))
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        key = current_signing_key(issuer=issuer)
        private_key = key.private_key()
        status_list = open_status_list(issuer=issuer)
        # Both rows were read by this issuer: their `issuer` is this object, not a query each
        # time the DID or the list's URL is needed.
        key.issuer = status_list.issuer = issuer
        for _ in range(INDEX_ATTEMPTS):
            index = random_free_index(status_list=status_list)
            data = CredentialInput(
                credential_id=f"urn:uuid:{credential_id}",
                issuer=issuer_input(issuer),
                achievement=achievement,
                subject=subject,
                valid_from=format_datetime(valid_from),
                valid_until=format_datetime(valid_until) if valid_until else "",
                results=tuple(results),
                evidence=tuple(evidence),
                status=StatusEntryInput(status_list.url, index),
            )
            signed = sign_credential(
                compose_credential(data),
                private_key=private_key,
                verification_method=key.verification_method(),
                created=now,
            )
            # The same verifier as the public page; a future validFrom is not a defect here.
            check = verify_credential(signed, now=max(now, valid_from))
            if not check.ok:
                raise IssuanceError(
                    "the signed credential does not verify: " + "; ".join(check.errors)
                )
            try:
                with transaction.atomic():
                    return Credential.objects.create(
                        id=credential_id,
                        issuer=issuer,
                        signing_key=key,
                        document=serialize(signed),
                        jwt=encode_ob_jwt(
                            signed, private_key=private_key, kid=key.verification_method()
                        ),
                        vc_jwt=encode_vc_jose(
                            signed, private_key=private_key, kid=key.verification_method()
                        ),
                        achievement_id=achievement.id[:500],
                        achievement_name=achievement.name[:500],
                        status_list=status_list,
                        status_index=index,
                        issued_at=now,
                        valid_from=valid_from,
                        valid_until=valid_until,
                    )
            except IntegrityError:
                stored = Credential.objects.filter(pk=credential_id).first()
                if stored is not None:  # issued concurrently under the same id
                    return stored
                # Another credential took the index between the draw and the insert: redraw.
        raise IssuanceError("no free status list index could be reserved")
