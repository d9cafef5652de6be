"""Endorsements of our achievements and issuer profiles, and the outside organisations that
may sign them (ADR 0066). Imported by `awarding.models`, so Django finds them there.

An endorsement's `document` holds the exact signed bytes, never changed. Withdrawing one
stops it being shown or embedded in new credentials; one our QA issuer signed is also revoked
on its status list (its `credential`), so copies already embedded elsewhere read revoked.
"""

from __future__ import annotations

import json
import uuid
from functools import cached_property
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Endorser(models.Model):
    """An outside organisation registered by its did:web; its keys are stored at registration
    (resolved once, never again at verification time)."""

    did = models.CharField(max_length=500, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # Multikey (Ed25519) verification methods of the DID document listed under
    # assertionMethod: [{"id", "type", "controller", "publicKeyMultibase"}, ...].
    verification_methods = models.JSONField(default=list)
    document_url = models.URLField(max_length=500)
    active = models.BooleanField(default=True)
    registered_by = models.CharField(max_length=255)
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.did})"

    def did_document(self) -> dict[str, Any]:
        """The stored keys as a DID document the verifier reads."""
        methods = list(self.verification_methods or [])
        return {
            "id": self.did,
            "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods],
        }


class Endorsement(models.Model):
    """One endorsement of an achievement or of an issuer's profile."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Shown")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    achievement = models.ForeignKey(
        "awarding.Achievement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="endorsements",
    )
    issuer = models.ForeignKey(
        "credentials.Issuer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="endorsements",
        help_text=_("Set when the issuer's profile itself is endorsed."),
    )
    # Empty: signed by our own (QA) issuer, then `credential` holds the signed row.
    endorser = models.ForeignKey(
        Endorser, on_delete=models.PROTECT, null=True, blank=True, related_name="endorsements"
    )
    credential = models.OneToOneField(
        "credentials.Credential",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="endorsement",
    )
    credential_id_text = models.CharField(max_length=500, unique=True)
    document = models.TextField(help_text=_("The signed JSON exactly as received or issued."))
    endorser_name = models.CharField(max_length=200)
    comment = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    created_by = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_by = models.CharField(max_length=255, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(achievement__isnull=True, issuer__isnull=False)
                | Q(achievement__isnull=False, issuer__isnull=True),
                name="endorsement_of_one_thing",
            ),
            models.CheckConstraint(
                condition=Q(endorser__isnull=True, credential__isnull=False)
                | Q(endorser__isnull=False, credential__isnull=True),
                name="endorsement_signed_by_us_or_a_registered_endorser",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endorser_name}: {self.achievement or self.issuer}"

    @cached_property
    def data(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.document)
        return loaded

    @property
    def is_external(self) -> bool:
        return self.endorser_id is not None
