"""A grade lowered after an award, or a revoked component of a stacked award: flag it for QA
(keep or revoke), never revoke silently."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.events import record_event

from .models import Award, Decision


def flag_award(*, award: Award, decision: Decision | None = None, reason: str = "") -> Award:
    """Mark an issued award for review. A grade award: its decision and this later one are the
    two snapshots. A pathway's stacked award (no decision): `reason` says which component was
    revoked and why the pathway is no longer met (ADR 0065)."""
    with transaction.atomic():
        locked = Award.objects.select_for_update().get(pk=award.pk)
        if locked.state != Award.State.ISSUED:
            return locked
        if decision is not None:
            reasons = "; ".join(decision.result.get("reasons", ())) or decision.outcome
            reason = f"A later evaluation is {decision.outcome}: {reasons}"
        locked.state = Award.State.FLAGGED
        locked.flag_decision = decision
        locked.flag_reason = reason[:2000]
        locked.flagged_at = timezone.now()
        locked.save(
            update_fields=["state", "flag_decision", "flag_reason", "flagged_at", "updated_at"]
        )
        record_event(
            actor="system:awarding",
            action="award.flagged" if decision is not None else "award.stack_flagged",
            object_type="award",
            object_id=str(locked.uuid),
            before={"state": Award.State.ISSUED, "decision_id": locked.decision_id},
            after={
                "state": locked.state,
                "flag_decision_id": decision.pk if decision is not None else None,
                "reason": locked.flag_reason,
            },
            platform_id=locked.home_platform_id,
        )
    return locked


def clear_flag(*, award: Award, decision: Decision | None, actor: str, note: str = "") -> Award:
    """Back to issued: the learner meets the rule again, or QA reviewed and kept the award."""
    with transaction.atomic():
        locked = Award.objects.select_for_update().get(pk=award.pk)
        if locked.state != Award.State.FLAGGED:
            return locked
        before = {"state": locked.state, "flag_decision_id": locked.flag_decision_id}
        locked.state = Award.State.ISSUED
        locked.flag_reason = ""
        locked.save(update_fields=["state", "flag_reason", "updated_at"])
        record_event(
            actor=actor,
            action="award.flag_cleared",
            object_type="award",
            object_id=str(locked.uuid),
            before=before,
            after={
                "state": locked.state,
                "decision_id": decision.pk if decision else None,
                "note": note,
            },
            platform_id=locked.home_platform_id,
        )
    return locked
