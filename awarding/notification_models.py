"""What a learner is told inside the LMS of their awards: issued, revoked, suspended,
reinstated (shown on their page; some also sent by e-mail).

Kept apart from models.py (which holds the grade path); models.py imports this module, so
Django registers the model in the awarding app.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from assessments.models import Course, Learner


class Notification(models.Model):
    """An in-tool message to a learner (shown on their home page inside the LMS)."""

    class Kind(models.TextChoices):
        AWARDED = "awarded", _("Credential issued")
        REVOKED = "revoked", _("Credential revoked")
        SUSPENDED = "suspended", _("Credential suspended")
        REINSTATED = "reinstated", _("Credential reinstated")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="notifications")
    # Empty for news of an award that belongs to no course (a pathway's stacked credential).
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    award = models.ForeignKey(
        "awarding.Award", on_delete=models.CASCADE, related_name="notifications"
    )
    # The change a revoked/suspended/reinstated message tells of (a credential may be
    # suspended and reinstated more than once: one message per change).
    status_change = models.OneToOneField(
        "awarding.StatusChange",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Claimed before a status e-mail is sent, so a retried task never sends it twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Notifying twice (a retried task) must not show the learner two messages.
            models.UniqueConstraint(
                fields=["award", "kind"],
                condition=Q(status_change__isnull=True),
                name="uniq_notification_award_kind",
            )
        ]
        indexes = [models.Index(fields=["learner", "course", "-created_at"])]

    def shown_message(self) -> str:
        """The message in the reader's language where it can be said again: the award news
        is written by a background task, in the default language (ADR 0063). The others
        carry the instructor's own reason and keep the words they were written with."""
        if self.kind == self.Kind.AWARDED:
            return translation.gettext("You earned “%(name)s”.") % {
                "name": self.award.achievement.name
            }
        return self.message
