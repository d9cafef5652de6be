"""A holder-bound copy of a stored credential, for the learner's wallet.

The copy is the stored credential with a new id and the holder's DID as
`credentialSubject.id`; everything else (issuer, achievement, results, evidence, validity
dates and the `credentialStatus` entry: the same status list index) is kept, so revoking the
learner's credential revokes the copy too. It is signed like every credential here: the
pre-sign check, the issuer's current key, and the public page's verifier before it leaves.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.utils import timezone

from .credential_issuance import IssuanceError
from .local_verification import verify_credential
from .models import Credential
from .signing import sign_credential
from .signing_keys import current_signing_key
from .vc_jwt import encode_vc_jose

# A DID (W3C DID Core §3.1 syntax, without path, query or fragment).
DID_SYNTAX = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._%:-]*[A-Za-z0-9._%-]$")


@dataclass(frozen=True)
class HolderCopy:
    document: dict  # signed with a Data Integrity proof (eddsa-rdfc-2022)
    vc_jwt: str  # the same copy in the VC-JOSE-COSE form (typ vc+jwt)


def sign_holder_copy(*, credential: Credential, holder_did: str, copy_id: uuid.UUID) -> HolderCopy:
    """Sign the copy of `credential` bound to `holder_did`; IssuanceError says why not."""
    if not DID_SYNTAX.match(holder_did or ""):
        raise IssuanceError("the holder's identifier is not a DID")
    if credential.status != Credential.Status.ACTIVE:
        raise IssuanceError(f"the credential is {credential.status}")
    source = {k: v for k, v in credential.data.items() if k != "proof"}
    subject = {**source["credentialSubject"], "id": holder_did}
    # "id" first, as credentials name their subject.
    document = {
        **source,
        "id": f"urn:uuid:{copy_id}",
        "credentialSubject": {"id": holder_did, **subject},
    }
    key = current_signing_key(issuer=credential.issuer)
    private_key = key.private_key()
    # Under the DID the credential names as its issuer (host or path DID).
    issuer = source["issuer"]
    method = key.verification_method(issuer["id"] if isinstance(issuer, dict) else issuer)
    now = timezone.now().replace(microsecond=0)
    signed = sign_credential(
        document, private_key=private_key, verification_method=method, created=now
    )
    check = verify_credential(signed, now=max(now, credential.valid_from))
    if not check.ok:
        raise IssuanceError("the signed copy does not verify: " + "; ".join(check.errors))
    return HolderCopy(
        document=signed,
        vc_jwt=encode_vc_jose(signed, private_key=private_key, kid=method),
    )
