"""Awards outside the grade path, before they are awards: an instructor's proposal that QA
approves or declines (a manual award, or recognition of prior learning), and a CSV of awards
or revocations uploaded for a preview and then applied whole (ADR 0067).

Kept apart from models.py (which holds the grade path); models.py imports this module, so
Django registers both models in the awarding app.
"""

from __future__ import annotations

import uuid

from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .decided_requests import DecidedRequest, four_eyes_constraints


def evidence_storage() -> Storage:
    """Where evidence files live: never under MEDIA_ROOT, which serves achievement images.
    A callable, so migrations name it rather than a path of one machine."""
    return storages["evidence"]


class AwardProposal(DecidedRequest):
    """An instructor proposes a learner of the course for one of its achievements.

    requested -> approved | declined | withdrawn (by the requester), never back. QA decides;
    never the requester (checked in awarding.award_proposals and by a database constraint,
    as for StatusChange). Approval grants a review award (`award`). One open proposal per
    learner and achievement.
    """

    class Kind(models.TextChoices):
        MANUAL = "manual", _("Manual award")
        PRIOR_LEARNING = "prior_learning", _("Recognition of prior learning")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Waiting for quality assurance")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(
        "assessments.Course", on_delete=models.PROTECT, related_name="award_proposals"
    )
    learner = models.ForeignKey(
        "assessments.Learner", on_delete=models.PROTECT, related_name="award_proposals"
    )
    achievement = models.ForeignKey(
        "awarding.Achievement", on_delete=models.PROTECT, related_name="proposals"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    # Stored under a random name in the private evidence storage; served by
    # awarding.views.proposal_evidence to those allowed only.
    evidence_file = models.FileField(storage=evidence_storage, upload_to="proposals/", blank=True)
    evidence_file_name = models.CharField(max_length=200, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    # The instructor's choice: the file may be public as the credential's evidence.
    evidence_shareable = models.BooleanField(_("the file may be public"), default=False)
    state = models.CharField(max_length=20, choices=State.choices, default=State.REQUESTED)
    # requested_by, decided_by and their names, times and note: DecidedRequest
    award = models.OneToOneField(
        "awarding.Award",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "achievement"],
                condition=Q(state="requested"),
                name="one_open_proposal_per_learner_achievement",
            ),
            *four_eyes_constraints(prefix="proposal", granted="approved"),
            models.CheckConstraint(
                condition=~Q(state="approved") | Q(award__isnull=False),
                name="approved_proposal_has_award",
            ),
        ]
        indexes = [models.Index(fields=["state", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.achievement_id} for {self.learner_id}"


class BulkUpload(models.Model):
    """A CSV of awards or revocations for one course, kept between its preview and its apply.

    The preview the uploader saw is bound to the apply by a signed token over this row and
    the outcome of every line (awarding.bulk_awards); an applied upload is never applied again.
    """

    class Kind(models.TextChoices):
        AWARD = "award", _("Bulk award")
        REVOKE = "revoke", _("Bulk revocation")

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded, not applied")
        APPLIED = "applied", _("Applied")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    course = models.ForeignKey(
        "assessments.Course", on_delete=models.PROTECT, related_name="bulk_uploads"
    )
    file_name = models.CharField(max_length=200, blank=True)
    # The decoded text (UTF-8, BOM removed), as parsed: the apply reads exactly these rows.
    content = models.TextField()
    content_sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPLOADED)
    uploaded_by = models.CharField(max_length=255)
    uploaded_by_name = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    applied_by = models.CharField(max_length=255, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "-uploaded_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.uuid} ({self.state})"
