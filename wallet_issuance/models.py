"""Offers, their access tokens, and the holder-bound copies issued through them.

Secrets (pre-authorized codes, transaction codes, access tokens) are stored only as SHA-256
hashes; single use is a conditional UPDATE (or a unique constraint) that one request wins.
"""

from __future__ import annotations

import uuid

from django.db import models


class WalletOffer(models.Model):
    """One Credential Offer of one learner's credential: short-lived and redeemed once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credential = models.ForeignKey(
        "credentials.Credential", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.CharField(max_length=300)
    platform_id = models.PositiveIntegerField(null=True, blank=True)
    code_hash = models.CharField(max_length=64, unique=True)
    tx_code_hash = models.CharField(max_length=64, blank=True)
    tx_code_failures = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)
    # The access token the pre-authorized code was exchanged for (one per offer).
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    token_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"offer {self.pk} of {self.credential_id}"


class WalletCredential(models.Model):
    """A copy of a learner's credential bound to a wallet holder's DID, as it was sent."""

    id = models.UUIDField(primary_key=True, editable=False)  # the copy's urn:uuid
    offer = models.OneToOneField(WalletOffer, on_delete=models.PROTECT, related_name="issued")
    source = models.ForeignKey("credentials.Credential", on_delete=models.PROTECT, related_name="+")
    holder_did = models.CharField(max_length=2000)
    configuration_id = models.CharField(max_length=100)
    credential = models.TextField(help_text="Exactly what the wallet received.")
    # The proof's c_nonce, so that a key proof is never accepted twice.
    nonce_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"wallet copy {self.pk} of {self.source_id}"
