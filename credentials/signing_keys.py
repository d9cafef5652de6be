"""Signing keys: the current one of an issuer, rotation, and marking a key compromised."""

from __future__ import annotations

import secrets
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.events import record_event

from .models import Issuer, SigningKey
from .multikey import public_key_multibase


def _new_key(issuer: Issuer) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    # A random key id: it reveals neither how many keys there were nor when they were made.
    return SigningKey.objects.create(
        issuer=issuer,
        key_id=f"key-{secrets.token_hex(6)}",
        public_key_multibase=public_key_multibase(private.public_key()),
        private_key_encrypted=SigningKey.encrypt(private),
    )


def current_signing_key(*, issuer: Issuer) -> SigningKey:
    """The issuer's active key, created on first use."""
    key = SigningKey.objects.filter(issuer=issuer, retired_at__isnull=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return _new_key(issuer)
    except IntegrityError:  # another process created it first (one active key per issuer)
        return SigningKey.objects.get(issuer=issuer, retired_at__isnull=True)


def rotate_signing_key(*, issuer: Issuer, actor: str = "system") -> SigningKey:
    """Retire the active key and make a new one; the old one stays in the DID document."""
    with transaction.atomic():
        Issuer.objects.select_for_update().get(pk=issuer.pk)
        old = list(SigningKey.objects.filter(issuer=issuer, retired_at__isnull=True))
        SigningKey.objects.filter(pk__in=[k.pk for k in old]).update(retired_at=timezone.now())
        new = _new_key(issuer)
        _audit(
            actor=actor,
            action="signing_key.rotated",
            key=new,
            before={"active": [k.key_id for k in old]},
            after={"active": new.key_id},
        )
    return new


def mark_compromised(*, key: SigningKey, since: datetime, actor: str) -> SigningKey:
    """Treat proofs made with `key` at or after `since` as invalid; retires the key if active."""
    with transaction.atomic():
        key = SigningKey.objects.select_for_update().get(pk=key.pk)
        was_active = key.retired_at is None
        before = {"compromised_at": key.compromised_at and key.compromised_at.isoformat()}
        key.compromised_at = since
        key.retired_at = key.retired_at or timezone.now()
        key.save(update_fields=["compromised_at", "retired_at"])
        _audit(
            actor=actor,
            action="signing_key.compromised",
            key=key,
            before=before,
            after={"compromised_at": since.isoformat()},
        )
    if was_active:
        current_signing_key(issuer=key.issuer)
    return key


def _audit(*, actor: str, action: str, key: SigningKey, before: dict, after: dict) -> None:
    record_event(
        actor=actor,
        action=action,
        object_type="credentials.SigningKey",
        object_id=f"{key.issuer.slug}#{key.key_id}",
        before=before,
        after=after,
    )
