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

from django.db import IntegrityError, transaction
from django.utils import timezone

from .clr_json import compose_clr
from .credential_issuance import INDEX_ATTEMPTS, IssuanceError, serialize
from .documents import ClrInput, StackInput, StatusEntryInput, SubjectInput
from .issuers import issuer_input
from .local_verification import verify_credential, verify_record_contents
from .models import Credential, Issuer
from .signing import format_datetime, sign_credential
from .signing_keys import current_signing_key
from .status_lists import open_status_list, random_free_index
from .vc_jwt import encode_ob_jwt, encode_vc_jose

# What `Credential.achievement_id` holds for a record (it has no one achievement): the CLR
# type's IRI, so a stored row says what it is.
RECORD_ACHIEVEMENT_ID = "https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrCredential"


def _self_check(signed: dict, now: datetime) -> None:
    problems = verify_credential(signed, now=now).errors
    for embedded in verify_record_contents(signed, now=now):
        problems += [f"credential {embedded.position}: {e}" for e in embedded.result.errors]
    if problems:
        raise IssuanceError("the signed record does not verify: " + "; ".join(problems))


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
    with transaction.atomic():
        key = current_signing_key(issuer=issuer)
        private_key = key.private_key()
        status_list = open_status_list(issuer=issuer)
        key.issuer = status_list.issuer = issuer
        for _ in range(INDEX_ATTEMPTS):
            index = random_free_index(status_list=status_list)
            document = compose_clr(
                ClrInput(
                    record_id=f"urn:uuid:{record_id}",
                    issuer=issuer_input(issuer),
                    subject=subject,
                    name=name,
                    description=description,
                    valid_from=format_datetime(now),
                    credentials=embedded,
                    stacks=tuple(stacks),
                    status=StatusEntryInput(status_list.url, index),
                )
            )
            signed = sign_credential(
                document,
                private_key=private_key,
                verification_method=key.verification_method(),
                created=now,
            )
            _self_check(signed, now)
            kid = key.verification_method()
            try:
                with transaction.atomic():
                    return Credential.objects.create(
                        id=record_id,
                        issuer=issuer,
                        signing_key=key,
                        document=serialize(signed),
                        jwt=encode_ob_jwt(signed, private_key=private_key, kid=kid),
                        vc_jwt=encode_vc_jose(signed, private_key=private_key, kid=kid),
                        achievement_id=RECORD_ACHIEVEMENT_ID,
                        achievement_name=name[:500],
                        status_list=status_list,
                        status_index=index,
                        is_public=False,
                        issued_at=now,
                        valid_from=now,
                    )
            except IntegrityError:
                stored = Credential.objects.filter(pk=record_id).first()
                if stored is not None:
                    return stored
        raise IssuanceError("no free status list index could be reserved")
