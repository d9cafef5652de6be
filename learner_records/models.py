"""A learner's record at one institution (issuer): a CLR 2.0 ClrCredential the learner asks
for, which bundles every credential they hold there (ADR 0068).

`LearnerRecord` is the learner's share link and whether it is on; `RecordVersion` is each
record signed on request, newest first. The share link always shows the newest version, so
creating the record again (after new credentials) replaces what the link shows. Older
versions stay stored and valid: each says what the learner held on the day it was signed.
"""

from __future__ import annotations

import secrets

from django.db import models

from assessments.models import Learner
from credentials.models import Credential, Issuer


def new_share_token() -> str:
    return secrets.token_urlsafe(24)


class LearnerRecord(models.Model):
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="+")
    # The secret of the share link (/records/<token>): anyone with it sees the record while
    # `shared` is on; nobody without it does.
    share_token = models.CharField(max_length=64, unique=True, default=new_share_token)
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "issuer"], name="one_record_per_institution")
        ]

    def __str__(self) -> str:
        return f"Record of learner {self.learner_id} at {self.issuer_id}"

    def latest(self) -> RecordVersion | None:
        return self.versions.select_related("credential").order_by("-created_at", "-pk").first()


class RecordVersion(models.Model):
    record = models.ForeignKey(LearnerRecord, on_delete=models.PROTECT, related_name="versions")
    credential = models.OneToOneField(Credential, on_delete=models.PROTECT, related_name="+")
    # The ids of the credentials it embeds, oldest first: "is my record up to date?" is a
    # comparison with what the learner holds now.
    contents = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.record} ({self.created_at:%Y-%m-%d})"
