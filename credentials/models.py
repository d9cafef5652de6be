"""Issuers, their Ed25519 signing keys, status lists and the stored credentials.

A credential's `document` holds the exact bytes that were signed and verified; it is never
changed afterwards (`Credential.save` refuses), only its status moves (active → suspended →
active, or → revoked, for good).
"""

from __future__ import annotations

import json
import uuid
from functools import cached_property

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.encryption import decrypt_secret, encrypt_secret, encrypted_fields

from .did import did_web, verification_method_id

STATUS_LIST_SIZE = 131_072  # 16 KiB of bits: the Bitstring Status List minimum, for privacy


def public_base_url() -> str:
    return getattr(settings, "PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def host_did() -> str:
    """did:web of this tool's public host (the default issuer answers to it)."""
    return did_web(public_base_url())


class Issuer(models.Model):
    """An issuing institution's Profile; its identity is a did:web on this tool's host."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    email = models.EmailField(blank=True)
    description = models.TextField(blank=True)
    image_url = models.URLField(max_length=500, blank=True)
    # The default issuer's DID is the host itself (did:web:<host>, /.well-known/did.json).
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_issuer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"

    @property
    def path_did(self) -> str:
        return did_web(public_base_url(), "issuers", self.slug)

    @property
    def host_did(self) -> str:
        return host_did()

    @property
    def did(self) -> str:
        """The DID credentials of this issuer name (and sign under)."""
        return self.host_did if self.is_default else self.path_did


@encrypted_fields("private_key_encrypted")
class SigningKey(models.Model):
    """An Ed25519 key of an issuer; the private half only ever stored encrypted (Fernet)."""

    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="signing_keys")
    key_id = models.CharField(max_length=64)
    public_key_multibase = models.CharField(max_length=64)
    private_key_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    # Proofs made at or after this moment with this key are treated as forgeries.
    compromised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "key_id"], name="unique_key_id_per_issuer"),
            models.UniqueConstraint(
                fields=["issuer"],
                condition=Q(retired_at__isnull=True),
                name="one_active_signing_key_per_issuer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer.slug}#{self.key_id}"

    @staticmethod
    def encrypt(private_key: Ed25519PrivateKey) -> str:
        pem = private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        return encrypt_secret(pem)

    def private_key(self) -> Ed25519PrivateKey:
        key = load_pem_private_key(decrypt_secret(self.private_key_encrypted), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("stored signing key is not Ed25519")
        return key

    def verification_method(self, did: str | None = None) -> str:
        return verification_method_id(did or self.issuer.did, self.key_id)


class StatusList(models.Model):
    """One Bitstring Status List (revocation) of an issuer: /status-lists/<slug>/<number>."""

    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="status_lists")
    number = models.PositiveIntegerField()
    size = models.PositiveIntegerField(default=STATUS_LIST_SIZE)
    # Bumped on every revocation, so a cached signed list is replaced at once.
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "number"], name="unique_list_number"),
            models.CheckConstraint(condition=Q(size__gte=STATUS_LIST_SIZE), name="list_min_size"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer.slug}/{self.number}"

    @property
    def url(self) -> str:
        return f"{public_base_url()}/status-lists/{self.issuer.slug}/{self.number}"


class StatusCategory(models.TextChoices):
    """Why a credential was revoked or suspended, as the public may read it: a short fixed
    list, never the issuer's own words (those are for the learner only)."""

    ISSUED_IN_ERROR = "issued_in_error", _("Issued in error")
    MISCONDUCT = "misconduct", _("Academic misconduct finding")
    RESULT_CHANGED = "result_changed", _("Assessment result changed")
    LEARNER_REQUEST = "learner_request", _("At the learner's request")
    OTHER = "other", _("Other")


class Credential(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REVOKED = "revoked", _("Revoked")
        SUSPENDED = "suspended", _("Suspended")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="credentials")
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="+")
    document = models.TextField(help_text="The signed JSON exactly as issued; never changed.")
    # The two JWT forms are signed once, on first request, and never change after
    # (credentials.jose_forms, ADR 0092); empty until then.
    jwt = models.TextField(
        blank=True, default="", help_text="The OB 3.0 JWT proof form (typ JWT), once asked for."
    )
    vc_jwt = models.TextField(
        blank=True, default="", help_text="The VC-JOSE-COSE form (typ vc+jwt), once asked for."
    )
    achievement_id = models.CharField(max_length=500)
    achievement_name = models.CharField(max_length=500)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # The issuer's own words: private (audit log, QA, the learner); no public page, JSON or
    # status list shows it. The public sees `status_category` only.
    status_reason = models.TextField(blank=True)
    status_category = models.CharField(max_length=20, choices=StatusCategory.choices, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    status_index = models.PositiveIntegerField()
    is_public = models.BooleanField(default=True)
    issued_at = models.DateTimeField()
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)

    IMMUTABLE = frozenset(
        {"document", "jwt", "vc_jwt", "issuer", "signing_key", "status_list", "status_index", "id"}
    )

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            # An index is used once, ever: revoking one credential never touches another.
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="status_index_never_reused"
            )
        ]
        indexes = [models.Index(fields=["issuer", "-issued_at"])]

    def __str__(self) -> str:
        return f"{self.achievement_name} ({self.pk})"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and (
            update_fields is None or self.IMMUTABLE & set(update_fields)
        ):
            raise ValueError("a stored credential's signed content cannot be changed")
        super().save(*args, **kwargs)

    @cached_property
    def data(self) -> dict:
        return json.loads(self.document)

    @property
    def public_url(self) -> str:
        return f"{public_base_url()}/credentials/{self.pk}"
