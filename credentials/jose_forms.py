"""The JWT forms of a credential: OB 3.0 §8.2 (`Credential.jwt`) and VC-JOSE-COSE
(`Credential.vc_jwt`), each signed on its first request and then served byte for byte
(ADR 0013, ADR 0092).

Issuance stores the signed document alone. Most credentials are never fetched as a JWT, and
signing both forms at issue cost a fifth of a credential's signing, and they made two thirds
of its stored text. A
form is signed over the stored document with the key and verification method of the
document's own proof, and written by a conditional update of the empty field: a concurrent
first request loses it and serves the winner's bytes, so every response for a credential is
identical, and once written the bytes never change (`Credential.IMMUTABLE`).

A key marked compromised signs nothing more: a form not yet asked for by then is not
available (None), while the forms signed before stay what they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db.models import Case, TextField, Value, When

from .models import Credential, SigningKey
from .vc_jwt import encode_ob_jwt, encode_vc_jose

Form = Literal["jwt", "vc_jwt"]
_ENCODERS: dict[str, Callable[..., str]] = {"jwt": encode_ob_jwt, "vc_jwt": encode_vc_jose}


def stored_forms(credentials: Iterable[Credential], form: Form) -> list[str | None]:
    """Each credential's `form` ("jwt": OB 3.0, "vc_jwt": VC-JOSE-COSE), in order; those not
    yet signed are signed now and stored, in one update; None where the key is compromised."""
    rows = list(credentials)
    missing = [c for c in rows if not getattr(c, form)]
    if missing:
        _sign_missing(missing, form)
    return [getattr(c, form) or None for c in rows]


def _sign_missing(missing: list[Credential], form: Form) -> None:
    keys = SigningKey.objects.in_bulk({c.signing_key_id for c in missing})
    private: dict[int, Ed25519PrivateKey] = {}
    signed: dict[Any, str] = {}
    for credential in missing:
        key = keys[credential.signing_key_id]
        if key.compromised_at is not None:
            continue
        if key.pk not in private:
            private[key.pk] = key.private_key()
        data = credential.data
        kid = data["proof"]["verificationMethod"]  # the document's own verification method
        signed[credential.pk] = _ENCODERS[form](data, private_key=private[key.pk], kid=kid)
    if not signed:
        return
    # Only fields still empty: bytes another request wrote first are kept, and read back.
    tokens = Case(
        *(When(pk=pk, then=Value(token)) for pk, token in signed.items()),
        output_field=TextField(),
    )
    still_empty: dict[str, Any] = {form: ""}
    written: dict[str, Any] = {form: tokens}
    Credential.objects.filter(pk__in=signed, **still_empty).update(**written)
    stored = dict(Credential.objects.filter(pk__in=signed).values_list("pk", form))
    for credential in missing:
        if credential.pk in stored:
            setattr(credential, form, stored[credential.pk])


def stored_ob_jwt(credential: Credential) -> str | None:
    """The credential's OB 3.0 §8.2 JWT; None when its key may no longer sign (compromised)."""
    return stored_forms([credential], "jwt")[0]


def stored_vc_jose(credential: Credential) -> str | None:
    """The credential's VC-JOSE-COSE JWT; None when its key may no longer sign (compromised)."""
    return stored_forms([credential], "vc_jwt")[0]
