"""c_nonce values (OID4VCI 1.0 §7): signed and timestamped, so the Nonce Endpoint writes
nothing; a nonce is spent when a credential is issued with it (a unique constraint)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing

SALT = "wallet_issuance.c_nonce"


def nonce_ttl_seconds() -> int:
    return getattr(settings, "WALLET_NONCE_TTL_SECONDS", 300)


def new_nonce() -> str:
    return signing.TimestampSigner(salt=SALT).sign(secrets.token_urlsafe(16))


def nonce_is_fresh(nonce: str) -> bool:
    try:
        signing.TimestampSigner(salt=SALT).unsign(nonce, max_age=nonce_ttl_seconds())
    except signing.BadSignature:  # also SignatureExpired
        return False
    return True
