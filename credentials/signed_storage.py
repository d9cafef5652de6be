"""The steps every document we sign shares: the issuer's current key, a random free index in its
status list, the proof, the self-check, both JWT forms and one `Credential` row, in one
transaction, idempotent on the row's id.

Course credentials, endorsements and learner records differ only in what they compose, what
their self-check verifies and what the row records of them; each passes those in.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from .documents import StatusEntryInput
from .models import Credential, Issuer
from .signing import sign_credential
from .signing_keys import current_signing_key
from .status_lists import open_status_list, random_free_index
from .vc_jwt import encode_ob_jwt, encode_vc_jose

INDEX_ATTEMPTS = 5


class IssuanceError(RuntimeError):
    """The credential could not be issued; nothing was stored. The message says why."""


def serialize(document: dict) -> str:
    # The stored (and served, and exported) bytes: readable, and never re-serialized.
    return json.dumps(document, ensure_ascii=False, indent=2)


def sign_and_store(
    *,
    issuer: Issuer,
    credential_id: uuid.UUID,
    now: datetime,
    compose: Callable[[StatusEntryInput], dict[str, Any]],
    problems_of: Callable[[dict[str, Any]], list[str]],
    kind: str,
    row: Mapping[str, Any],
) -> Credential:
    """Compose (with its status entry), sign, self-check and store one document.

    `problems_of(signed)` lists why the signed document would not verify (empty: it does);
    `row` holds the `Credential` fields that say what it is. A concurrent call that stored the
    same id first wins and its row is returned; another credential taking the drawn status
    index makes this one draw again.
    """
    with transaction.atomic():
        key = current_signing_key(issuer=issuer)
        private_key = key.private_key()
        status_list = open_status_list(issuer=issuer)
        # Both rows were read by this issuer: their `issuer` is this object, not a query each
        # time the DID or the list's URL is needed.
        key.issuer = status_list.issuer = issuer
        kid = key.verification_method()
        for _ in range(INDEX_ATTEMPTS):
            index = random_free_index(status_list=status_list)
            signed = sign_credential(
                compose(StatusEntryInput(status_list.url, index)),
                private_key=private_key,
                verification_method=kid,
                created=now,
            )
            problems = problems_of(signed)
            if problems:
                raise IssuanceError(f"the signed {kind} does not verify: " + "; ".join(problems))
            try:
                with transaction.atomic():
                    return Credential.objects.create(
                        id=credential_id,
                        issuer=issuer,
                        signing_key=key,
                        document=serialize(signed),
                        jwt=encode_ob_jwt(signed, private_key=private_key, kid=kid),
                        vc_jwt=encode_vc_jose(signed, private_key=private_key, kid=kid),
                        status_list=status_list,
                        status_index=index,
                        issued_at=now,
                        **row,
                    )
            except IntegrityError:
                stored = Credential.objects.filter(pk=credential_id).first()
                if stored is not None:  # issued concurrently under the same id
                    return stored
                # Another credential took the index between the draw and the insert: redraw.
        raise IssuanceError("no free status list index could be reserved")
