"""issue_endorsement: an EndorsementCredential signed by one of our issuers, stored as a
Credential (so its status list entry, key rotation, compromised-key rule and revocation are
those of every other credential), in one transaction, idempotent on its id.

Stored private (`is_public` false): the `/credentials/<uuid>` pages describe an achievement a
learner earned; an endorsement's public page belongs to the app that knows what it endorses.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .credential_issuance import INDEX_ATTEMPTS, IssuanceError, serialize
from .documents import StatusEntryInput
from .endorsement_json import EndorsementInput, compose_endorsement
from .issuers import issuer_input
from .local_verification import verify_credential
from .models import Credential, Issuer
from .signing import format_datetime, sign_credential
from .signing_keys import current_signing_key
from .status_lists import open_status_list, random_free_index
from .vc_jwt import encode_ob_jwt, encode_vc_jose


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
    with transaction.atomic():
        key = current_signing_key(issuer=issuer)
        private_key = key.private_key()
        status_list = open_status_list(issuer=issuer)
        key.issuer = status_list.issuer = issuer
        for _ in range(INDEX_ATTEMPTS):
            index = random_free_index(status_list=status_list)
            data = EndorsementInput(
                credential_id=f"urn:uuid:{credential_id}",
                issuer=issuer_input(issuer),
                subject_id=subject_id,
                name=f"Endorsement of {subject_name}"[:500],
                comment=comment,
                valid_from=format_datetime(valid_from),
                status=StatusEntryInput(status_list.url, index),
            )
            signed = sign_credential(
                compose_endorsement(data),
                private_key=private_key,
                verification_method=key.verification_method(),
                created=now,
            )
            check = verify_credential(signed, now=max(now, valid_from))
            if not check.ok:
                raise IssuanceError(
                    "the signed endorsement does not verify: " + "; ".join(check.errors)
                )
            kid = key.verification_method()
            try:
                with transaction.atomic():
                    return Credential.objects.create(
                        id=credential_id,
                        issuer=issuer,
                        signing_key=key,
                        document=serialize(signed),
                        jwt=encode_ob_jwt(signed, private_key=private_key, kid=kid),
                        vc_jwt=encode_vc_jose(signed, private_key=private_key, kid=kid),
                        achievement_id=subject_id[:500],
                        achievement_name=data.name,
                        status_list=status_list,
                        status_index=index,
                        is_public=False,
                        issued_at=now,
                        valid_from=valid_from,
                    )
            except IntegrityError:
                stored = Credential.objects.filter(pk=credential_id).first()
                if stored is not None:
                    return stored
        raise IssuanceError("no free status list index could be reserved")
