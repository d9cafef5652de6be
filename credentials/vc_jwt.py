"""The two JWT forms of a credential (pure: no ORM, no HTTP).

- Open Badges 3.0 §8.2 "JSON Web Token Proof Format" (`encode_ob_jwt`): JOSE header with only
  `alg`, `kid` (the DID URL of the key), `jwk` (the same public key, never `d`) and
  `typ: "JWT"`; the payload is the OpenBadgeCredential itself, its Data Integrity proof
  included (§8.2: embedded proofs are added before the JWT payload is made), plus the claims
  `iss` (issuer.id), `jti` (id), `nbf` (validFrom), `sub` (credentialSubject.id) and `exp`
  (validUntil, when there is one). Served as `application/jwt` (RFC 7519).
- W3C VC-JOSE-COSE (`encode_vc_jose`): header `alg`, `kid` (a DID URL, so it MUST be there),
  `typ: "vc+jwt"`, `cty: "vc"`; the payload is the unsecured credential exactly, without the
  Data Integrity proof and without `vc` or any other added claim (the spec forbids `vc` and
  advises against `nbf`). Served as `application/vc+jwt`.

Both are signed with the issuer's Ed25519 key (`alg: EdDSA`), whose `kid` resolves to a
Multikey in the issuer's did:web document.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .signing import parse_datetime

OB_JWT_MEDIA_TYPE = "application/jwt"
VC_JOSE_MEDIA_TYPE = "application/vc+jwt"
OB_JWT_TYP = "JWT"
VC_JOSE_TYP = "vc+jwt"


def ed25519_public_jwk(public_key: Ed25519PublicKey) -> dict[str, Any]:
    """The public JWK (RFC 8037 OKP) of an Ed25519 key; it has no `d` by construction."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
    return {"kty": "OKP", "crv": "Ed25519", "x": x}


def _subject_claim(credential: dict[str, Any]) -> str:
    subject = credential.get("credentialSubject", {})
    subject_id: str = subject.get("id")
    if subject_id:
        return subject_id
    # No subject DID (the learner's own copy): the salted identity hash stands for the learner.
    identifiers = subject.get("identifier") or [{}]
    identity_hash: str = identifiers[0].get("identityHash", "")
    return identity_hash


def ob_jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The OB 3.0 §8.2 JWT payload: the credential (with any embedded proof) and its claims."""
    issuer = credential["issuer"]
    claims = {
        **credential,
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": credential["id"],
        "nbf": int(parse_datetime(credential["validFrom"]).timestamp()),
        "sub": _subject_claim(credential),
    }
    if "validUntil" in credential:
        claims["exp"] = int(parse_datetime(credential["validUntil"]).timestamp())
    return claims


def encode_ob_jwt(credential: dict[str, Any], *, private_key: Ed25519PrivateKey, kid: str) -> str:
    header = {"kid": kid, "jwk": ed25519_public_jwk(private_key.public_key()), "typ": OB_JWT_TYP}
    return jwt.encode(ob_jwt_claims(credential), private_key, algorithm="EdDSA", headers=header)


def encode_vc_jose(credential: dict[str, Any], *, private_key: Ed25519PrivateKey, kid: str) -> str:
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    header = {"kid": kid, "typ": VC_JOSE_TYP, "cty": "vc"}
    return jwt.encode(unsecured, private_key, algorithm="EdDSA", headers=header)


def jwt_header(token: str) -> dict[str, Any]:
    return jwt.get_unverified_header(token)


def jwt_payload(token: str) -> dict[str, Any]:
    """The payload of a JWT as written, NOT verified ({} when it cannot be read): only for
    reading what a token says, e.g. a record's embedded credentials, each with its own proof."""
    try:
        claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return {}
    return claims


def decode_vc_jwt(
    token: str,
    *,
    public_key: Ed25519PublicKey,
    now: datetime | None = None,
    leeway: timedelta = timedelta(0),
) -> dict[str, Any]:
    """The verified payload of either form; raises jwt.InvalidTokenError (expired, not yet
    valid...) otherwise.

    Dates are judged at `now` (default: the current time), not PyJWT's wall clock, so that the
    JWT and the Data Integrity verifier agree: `nbf`/`exp` when present (OB 3.0 form), else
    the credential's own validFrom/validUntil (VC-JOSE-COSE form, which carries no `nbf`).
    """
    claims = jwt.decode(
        token,
        public_key,
        algorithms=["EdDSA"],
        options={"verify_aud": False, "verify_exp": False, "verify_nbf": False},
    )
    moment = (now or datetime.now(UTC)).timestamp()
    slack = leeway.total_seconds()
    not_before, expires = claims.get("nbf"), claims.get("exp")
    try:
        if not_before is None and isinstance(claims.get("validFrom"), str):
            not_before = parse_datetime(claims["validFrom"]).timestamp()
        if expires is None and isinstance(claims.get("validUntil"), str):
            expires = parse_datetime(claims["validUntil"]).timestamp()
    except ValueError as exc:
        raise jwt.InvalidTokenError("the credential's dates are malformed") from exc
    if not_before is not None and not_before > moment + slack:
        raise jwt.ImmatureSignatureError("The token is not yet valid (nbf)")
    if expires is not None and expires <= moment - slack:
        raise jwt.ExpiredSignatureError("Signature has expired")
    return claims
