"""A request one person makes and another decides: a status change (ADR 0062) and an award
proposal (ADR 0067) share who asked, who decided, when and why, the database's four-eyes
constraints over those fields, and how a decision or a withdrawal is written on the row.
Each model keeps its own states, its own words for them and its own services (which lock the
row, check who may decide and write the audit event with the change)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

REQUESTED = "requested"


class DecidedRequest(models.Model):
    """The fields of who asked and who decided; `state` is each model's own (its choices)."""

    state: str
    requested_by = models.CharField(max_length=255)
    requested_by_name = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.CharField(max_length=255, blank=True)
    decided_by_name = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        abstract = True

    def mark_decided(
        self,
        *,
        state: str,
        actor: str,
        actor_name: str | None = None,
        note: str | None = None,
        at: datetime | None = None,
        also: Sequence[str] = (),
    ) -> None:
        """Write the new state and who decided it (or withdrew the request), when and, when
        given, their name and note; saves those fields and the ones named in `also`."""
        fields = ["state", *also, "decided_by"]
        self.state = state
        self.decided_by = actor[:255]
        if actor_name is not None:
            self.decided_by_name = actor_name[:200]
            fields.append("decided_by_name")
        self.decided_at = at or timezone.now()
        fields.append("decided_at")
        if note is not None:
            self.decision_note = note
            fields.append("decision_note")
        self.save(update_fields=fields)


def four_eyes_constraints(*, prefix: str, granted: str) -> list[models.BaseConstraint]:
    """In the database as in the services: the `granted` state (confirmed, approved) is never
    decided by the requester, and a decided request names who decided it."""
    return [
        models.CheckConstraint(
            condition=~Q(state=granted, decided_by=F("requested_by")),
            name=f"{prefix}_{granted}_by_another",
        ),
        models.CheckConstraint(
            condition=Q(state=REQUESTED) | ~Q(decided_by=""),
            name=f"{prefix}_decided_by_someone",
        ),
    ]
