"""The sandbox platform's own RSA key: generation, JWKS, signing its JWTs."""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from config.encryption import decrypt_secret, encrypt_secret

from .models import SandboxPlatform

ALGORITHM = "RS256"


def _b64u_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def new_key_material(*, kid_prefix: str = "") -> tuple[str, str, dict]:
    """A fresh key: (kid, encrypted private PEM, public JWK)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    numbers = private.public_key().public_numbers()
    core = {"e": _b64u_uint(numbers.e), "kty": "RSA", "n": _b64u_uint(numbers.n)}
    digest = hashlib.sha256(json.dumps(core, separators=(",", ":"), sort_keys=True).encode())
    thumb = digest.hexdigest()[:20]
    kid = f"{kid_prefix}{thumb}"
    return kid, encrypt_secret(pem), {**core, "kid": kid, "alg": ALGORITHM, "use": "sig"}


@lru_cache(maxsize=32)
def _private_key(kid: str, encrypted: str) -> rsa.RSAPrivateKey:
    # Generated here and stored under Fernet (authenticated): the RSA consistency check
    # (~40 ms a key) would only re-prove what generate_private_key made (as lti_tool/keys.py).
    key = serialization.load_pem_private_key(
        decrypt_secret(encrypted), password=None, unsafe_skip_rsa_key_validation=True
    )
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def jwks(platform: SandboxPlatform) -> dict:
    return {"keys": [platform.public_jwk]}


def sign(*, platform: SandboxPlatform, payload: dict) -> str:
    """An RS256 JWT signed with the platform key, kid in the header (as Moodle and Canvas)."""
    key = _private_key(platform.kid, platform.private_key_encrypted)
    return jwt.encode(payload, key, algorithm=ALGORITHM, headers={"kid": platform.kid})
