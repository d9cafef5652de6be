"""The tool's RSA keys: which one signs now, which ones are published.

Rotation publishes a new key before it signs (platforms cache our JWKS) and keeps the
old one published for a grace period (they may still verify what it signed).
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.encryption import decrypt_secret, encrypt_secret

from .models import ToolKey

KEY_SIZE = 2048
ALGORITHM = "RS256"
DEFAULT_PUBLISH_AHEAD = timedelta(hours=24)
DEFAULT_GRACE = timedelta(days=7)

__all__ = [
    "ToolKey",
    "create_tool_key",
    "current_signing_key",
    "public_jwks",
    "rotate_tool_key",
    "load_private_key",
]


def _b64u_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_jwk_of(public_key: rsa.RSAPublicKey) -> dict:
    """The public JWK; kid is its RFC 7638 thumbprint (stable, derived from the key)."""
    numbers = public_key.public_numbers()
    core = {"e": _b64u_uint(numbers.e), "kty": "RSA", "n": _b64u_uint(numbers.n)}
    digest = hashlib.sha256(json.dumps(core, separators=(",", ":"), sort_keys=True).encode())
    kid = base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()
    return {**core, "kid": kid, "alg": ALGORITHM, "use": "sig"}


def create_tool_key(*, activate_after=None) -> ToolKey:
    """Generate and store a key pair; published at once, signing from `activate_after`."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    jwk = public_jwk_of(private.public_key())
    return ToolKey.objects.create(
        kid=jwk["kid"],
        private_key_encrypted=encrypt_secret(pem),
        public_jwk=jwk,
        activate_after=activate_after or timezone.now(),
    )


@lru_cache(maxsize=8)
def _decrypt(kid: str, encrypted: str) -> rsa.RSAPrivateKey:
    # Decrypting and parsing a PEM costs ~1 ms; launches and token requests sign often.
    # Without the RSA consistency check (~40 ms a 2048-bit key, on each process's first use
    # of a key): this key was generated here (create_tool_key) and comes back through
    # Fernet, whose HMAC refuses a changed ciphertext, so it is the key as it was made.
    key = serialization.load_pem_private_key(
        decrypt_secret(encrypted), password=None, unsafe_skip_rsa_key_validation=True
    )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"tool key {kid} is not an RSA key")
    return key


def load_private_key(key: ToolKey) -> rsa.RSAPrivateKey:
    return _decrypt(key.kid, key.private_key_encrypted)


def _published() -> Q:
    return Q(retire_after__isnull=True) | Q(retire_after__gt=timezone.now())


def current_signing_key() -> ToolKey:
    """The newest published key whose activation time has come (one is created if none)."""
    now = timezone.now()
    key = ToolKey.objects.filter(_published(), activate_after__lte=now).first()
    if key is not None:
        return key
    with transaction.atomic():
        # First use of a fresh installation: make the first key (lock so two processes
        # starting together do not both create one where the database can lock).
        list(ToolKey.objects.select_for_update().all()[:1])
        key = ToolKey.objects.filter(_published(), activate_after__lte=now).first()
        return key or create_tool_key(activate_after=now)


def public_jwks() -> dict:
    """Every key a platform may meet: the signing one, the next one, the retiring ones."""
    keys = ToolKey.objects.filter(_published()).order_by("activate_after", "id")
    if not keys:
        current_signing_key()
        keys = ToolKey.objects.filter(_published()).order_by("activate_after", "id")
    return {"keys": [dict(k.public_jwk) for k in keys]}


@transaction.atomic
def rotate_tool_key(
    *, publish_ahead: timedelta = DEFAULT_PUBLISH_AHEAD, grace: timedelta = DEFAULT_GRACE
) -> ToolKey:
    """Publish a new key now that signs after `publish_ahead`; retire older keys
    `grace` after the new one takes over."""
    if publish_ahead < timedelta(0) or grace < timedelta(0):
        raise ValueError("publish_ahead and grace must not be negative")
    activate = timezone.now() + publish_ahead
    new = create_tool_key(activate_after=activate)
    ToolKey.objects.select_for_update().filter(_published()).exclude(pk=new.pk).filter(
        Q(retire_after__isnull=True) | Q(retire_after__gt=activate + grace)
    ).update(retire_after=activate + grace)
    return new
