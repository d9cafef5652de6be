"""The wallet's proof of possession of its key (OID4VCI 1.0 §F.1 `jwt` proof type), pure.

The key proof is a JWT typed `openid4vci-proof+jwt`, signed by the holder's Ed25519 key named
either by `kid` (a did:key DID URL) or by `jwk` (never both), with `aud` = the Credential
Issuer Identifier, a fresh `iat` and the `nonce` from our Nonce Endpoint. The credential is
then bound to the holder's DID: the did:key itself, or the did:jwk of the given JWK.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from credentials.multikey import MultikeyError, public_key_from_multibase

PROOF_TYP = "openid4vci-proof+jwt"
PROOF_ALGS = ("EdDSA",)
MAX_AGE = timedelta(minutes=5)  # how old a key proof may be (its iat)
CLOCK_SKEW = timedelta(seconds=60)


class ProofRefused(ValueError):
    """The key proof is not acceptable; `error` is the OID4VCI error code to answer with."""

    def __init__(self, message: str, *, error: str = "invalid_proof"):
        super().__init__(message)
        self.error = error


@dataclass(frozen=True)
class HolderKey:
    did: str  # what credentialSubject.id becomes
    nonce: str  # the c_nonce the proof was made for (the caller checks it)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _from_did_key(kid: str) -> tuple[str, Ed25519PublicKey]:
    did, _, fragment = kid.partition("#")
    if not did.startswith("did:key:"):
        raise ProofRefused("the kid is not a did:key DID URL")
    multibase = did.removeprefix("did:key:")
    if fragment and fragment != multibase:
        raise ProofRefused("the kid's fragment does not name the did:key's own key")
    try:
        return did, public_key_from_multibase(multibase)
    except MultikeyError as exc:
        raise ProofRefused(f"the did:key is not an Ed25519 key: {exc}") from exc


def _from_jwk(key: object) -> tuple[str, Ed25519PublicKey]:
    if not isinstance(key, dict) or key.get("kty") != "OKP" or key.get("crv") != "Ed25519":
        raise ProofRefused("the jwk is not an Ed25519 (OKP) public key")
    if "d" in key:
        raise ProofRefused("the jwk contains a private key")
    try:
        x = base64.urlsafe_b64decode(str(key.get("x", "")) + "==")
        public_key = Ed25519PublicKey.from_public_bytes(x)
    except ValueError as exc:
        raise ProofRefused("the jwk's x is not an Ed25519 public key") from exc
    public = {"crv": "Ed25519", "kty": "OKP", "x": key["x"]}
    did = "did:jwk:" + _b64url(json.dumps(public, separators=(",", ":")).encode())
    return did, public_key


def verify_key_proof(token: object, *, audience: str, now: datetime) -> HolderKey:
    """The holder's DID and the proof's nonce; ProofRefused (invalid_proof) otherwise."""
    if not isinstance(token, str):
        raise ProofRefused("the key proof is not a JWT")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise ProofRefused("the key proof is not a JWT") from exc
    if header.get("typ") != PROOF_TYP:
        raise ProofRefused(f"the key proof's typ must be {PROOF_TYP}")
    if header.get("alg") not in PROOF_ALGS:
        raise ProofRefused("the key proof must be signed with EdDSA (Ed25519)")
    if ("kid" in header) == ("jwk" in header) or "x5c" in header:
        raise ProofRefused("the key proof must name its key by exactly one of kid or jwk")
    did, public_key = _from_did_key(header["kid"]) if "kid" in header else _from_jwk(header["jwk"])
    try:
        claims = jwt.decode(
            token,
            public_key,
            algorithms=list(PROOF_ALGS),
            audience=audience,
            options={"require": ["aud", "iat"], "verify_iat": False, "verify_exp": False},
        )
    except jwt.InvalidAudienceError as exc:
        raise ProofRefused("the key proof was made for another credential issuer (aud)") from exc
    except jwt.InvalidTokenError as exc:
        raise ProofRefused(f"the key proof does not verify: {exc}") from exc
    iat = claims.get("iat")
    if not isinstance(iat, int | float):
        raise ProofRefused("the key proof's iat is not a time")
    moment = now.timestamp()
    if iat > moment + CLOCK_SKEW.total_seconds():
        raise ProofRefused("the key proof was issued in the future (iat)")
    if iat < moment - MAX_AGE.total_seconds():
        raise ProofRefused("the key proof is too old (iat); make a new one")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise ProofRefused("the key proof has no nonce: get one from the nonce endpoint")
    return HolderKey(did=did, nonce=nonce)
