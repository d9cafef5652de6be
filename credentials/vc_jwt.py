"""VC-JWT as Open Badges 3.0 defines it: compact JWS (EdDSA) whose payload is the credential
plus the registered claims iss, sub, nbf, jti (and exp when the credential expires)."""

from __future__ import annotations

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


def decode_vc_jwt(token: str, *, public_key: Ed25519PublicKey) -> dict:
    """The verified claims; raises jwt.InvalidTokenError (expiry included) when not valid."""
    return jwt.decode(token, public_key, algorithms=["EdDSA"], options={"verify_aud": False})
