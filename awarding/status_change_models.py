"""Requests to revoke, suspend or reinstate an award's credential, and their fate (ADR 0064's
four eyes: a second person confirms).

Kept apart from models.py (which holds the grade path); models.py imports this module, so
Django registers the model in the awarding app.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from credentials.models import StatusCategory

from .decided_requests import DecidedRequest, four_eyes_constraints


class StatusChange(DecidedRequest):
    """A request to revoke, suspend or reinstate the credential of an award, and its fate.

    requested -> confirmed | declined | withdrawn (by the requester), never back. A second
    person confirms: QA, or, where the institution allows it, another instructor of the
    course; never the requester (a check constraint says so in the database as well). One
    open request per award at a time. `private_reason` is for the learner (and QA);
    `public_category` is all the public verification page says.
    """

    class Action(models.TextChoices):
        REVOKE = "revoke", _("Revoke")
        SUSPEND = "suspend", _("Suspend")
        REINSTATE = "reinstate", _("Reinstate")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    award = models.ForeignKey(
        "awarding.Award", on_delete=models.PROTECT, related_name="status_changes"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.REQUESTED)
    private_reason = models.TextField(_("reason for the learner"))
    public_category = models.CharField(
        _("public reason"), max_length=20, choices=StatusCategory.choices, blank=True
    )
    # requested_by, decided_by and their names, times and note: DecidedRequest

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["award"],
                condition=Q(state="requested"),
                name="one_open_status_change_per_award",
            ),
            *four_eyes_constraints(prefix="status_change", granted="confirmed"),
        ]
        indexes = [models.Index(fields=["state", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.award_id} ({self.state})"
