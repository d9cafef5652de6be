"""VC-JWT as Open Badges 3.0 defines it: compact JWS (EdDSA) whose payload is the credential
plus the registered claims iss, sub, nbf, jti (and exp when the credential expires)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .signing import parse_datetime


def jwt_claims(credential: dict) -> dict:
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    issuer = unsecured["issuer"]
    subject = unsecured.get("credentialSubject", {})
    sub = subject.get("id")
    if not sub:  # no subject DID: the salted identity hash stands for the learner
        identifiers = subject.get("identifier") or [{}]
        sub = identifiers[0].get("identityHash", "")
    claims = {
        **unsecured,
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "sub": sub,
        "nbf": int(parse_datetime(unsecured["validFrom"]).timestamp()),
        "jti": unsecured["id"],
    }
    if "validUntil" in unsecured:
        claims["exp"] = int(parse_datetime(unsecured["validUntil"]).timestamp())
    return claims


def encode_vc_jwt(credential: dict, *, private_key: Ed25519PrivateKey, kid: str) -> str:
    return jwt.encode(
        jwt_claims(credential), private_key, algorithm="EdDSA", headers={"kid": kid, "typ": "JWT"}
    )


def jwt_header(token: str) -> dict:
    return jwt.get_unverified_header(token)


def decode_vc_jwt(
    token: str,
    *,
    public_key: Ed25519PublicKey,
    now: datetime | None = None,
    leeway: timedelta = timedelta(0),
) -> dict:
    """The verified claims; raises jwt.InvalidTokenError (expired, not yet valid...) otherwise.

    nbf/exp are judged at `now` (default: the current time), not PyJWT's wall clock, so that
    the JWT and the Data Integrity verifier agree on dates.
    """
    claims = jwt.decode(
        token,
        public_key,
        algorithms=["EdDSA"],
        options={"verify_aud": False, "verify_exp": False, "verify_nbf": False},
    )
    moment = (now or datetime.now(UTC)).timestamp()
    slack = leeway.total_seconds()
    if "nbf" in claims and claims["nbf"] > moment + slack:
        raise jwt.ImmatureSignatureError("The token is not yet valid (nbf)")
    if "exp" in claims and claims["exp"] <= moment - slack:
        raise jwt.ExpiredSignatureError("Signature has expired")
    return claims
