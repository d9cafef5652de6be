"""The stored JWT forms of a credential: OB 3.0 (`Credential.jwt`) and VC-JOSE-COSE
(`Credential.vc_jwt`), each signed once and then served byte for byte (ADR 0013).

Credentials issued before the VC-JOSE-COSE form existed get it here, on first request, with
the key that signed them; a concurrent first request loses the conditional update and serves
the winner's bytes, so every response for a credential is identical.
"""

from __future__ import annotations

from .models import Credential
from .vc_jwt import encode_vc_jose


def stored_vc_jose(credential: Credential) -> str | None:
    """The credential's VC-JOSE-COSE JWT; None when its key may no longer sign (compromised)."""
    if credential.vc_jwt:
        return credential.vc_jwt
    key = credential.signing_key
    if key.compromised_at is not None:
        return None
    # The same verification method as the credential's own proof (and its OB 3.0 JWT).
    kid = credential.data["proof"]["verificationMethod"]
    token = encode_vc_jose(credential.data, private_key=key.private_key(), kid=kid)
    # An update of an empty field only: the signed bytes are written once, never replaced.
    Credential.objects.filter(pk=credential.pk, vc_jwt="").update(vc_jwt=token)
    credential.vc_jwt = Credential.objects.values_list("vc_jwt", flat=True).get(pk=credential.pk)
    return credential.vc_jwt
