"""Decisions about an award: confirm a held one, revoke one (always with a reason).

Revoking also erases the learner's credential score in the LMS gradebook, if one was posted
(awarding.postback, after the revocation has committed).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import EventInput, record_event, record_events
from credentials.models import StatusCategory
from credentials.revocation import revoke_credential

from .dispatch import enqueue_issue
from .models import Award, Decision, Notification, Outcome, StatusChange
from .signals import award_revoked
from .status_notices import notify_learner
from .tasks import postback_award_task


class AwardActionError(ValueError):
    """The action does not apply to the award in its current state; the message says why."""


def revoke_award(
    *,
    award: Award,
    reason: str,
    actor: str,
    category: str = StatusCategory.OTHER,
    status_change: StatusChange | None = None,
    events: list[EventInput] | None = None,
) -> Award:
    """Revoke an award and its credential (the status list reflects it at once).

    `reason` is private (the learner, QA, the audit log); the public page shows `category`.
    An instructor's revocation reaches here only through a confirmed `StatusChange`
    (awarding.status_changes); QA revokes a flagged award directly. With `events`, the audit
    events are added to that list for the caller to append in its transaction (ADR 0074).
    """
    reason = (reason or "").strip()
    if not reason:
        raise AwardActionError(_("A revocation needs a reason."))
    if not actor:
        raise AwardActionError(_("A revocation needs the person who decides it."))
    with transaction.atomic():
        locked = (
            Award.objects.select_for_update(of=("self",))
            .select_related("credential", "achievement", "course")
            .get(pk=award.pk)
        )
        if locked.state == Award.State.REVOKED:
            raise AwardActionError(_("This award is already revoked."))
        before = {"state": locked.state}
        if locked.credential is not None:
            revoke_credential(
                credential=locked.credential,
                reason=reason,
                category=category,
                actor=actor,
                platform_id=locked.home_platform_id,
                events=events,
            )
        clear_lms_score = _score_may_be_in_lms(locked)
        locked.state = Award.State.REVOKED
        locked.revoked_reason = reason[:2000]
        locked.revoked_by = actor[:255]
        locked.revoked_at = timezone.now()
        fields = ["state", "revoked_reason", "revoked_by", "revoked_at", "updated_at"]
        if clear_lms_score:
            # The post-back task now erases the learner's credential score in the LMS.
            locked.postback_state = Award.PostbackState.PENDING
            locked.postback_attempts = 0
            locked.postback_error = ""
            fields += ["postback_state", "postback_attempts", "postback_error"]
        locked.save(update_fields=fields)
        if clear_lms_score:
            award_id = locked.pk
            transaction.on_commit(lambda: postback_award_task.delay(award_id=award_id))
        if locked.credential_id:
            notify_learner(
                award=locked,
                kind=Notification.Kind.REVOKED,
                reason=locked.revoked_reason,
                status_change=status_change,
            )
        event = EventInput(
            actor=actor,
            action="award.revoked",
            object_type="award",
            object_id=str(locked.uuid),
            before=before,
            after={"state": locked.state, "reason": locked.revoked_reason, "category": category},
            platform_id=locked.home_platform_id,
        )
        if events is None:
            record_events([event])
        else:
            events.append(event)
        revoked_id = locked.pk
        # Stacked awards built on this one are re-checked (pathways) once this has committed.
        transaction.on_commit(
            lambda: award_revoked.send(sender=Award, award_id=revoked_id), robust=True
        )
    return locked


def _score_may_be_in_lms(award: Award) -> bool:
    """A 1/1 was posted, or is being posted, for this award's credential column."""
    if award.postback_state == Award.PostbackState.POSTED:
        return True
    in_flight = (Award.PostbackState.PENDING, Award.PostbackState.FAILED)
    return (
        award.postback_state in in_flight and award.rule is not None and award.rule.gradebook_column
    )


def confirm_award(*, award: Award, actor: str) -> Award:
    """An instructor confirms a held award: it becomes pending and is issued by the pipeline."""
    with transaction.atomic():
        locked = Award.objects.select_for_update().get(pk=award.pk)
        if locked.state != Award.State.HELD:
            raise AwardActionError(_("Only an award waiting for confirmation can be confirmed."))
        latest = (
            Decision.objects.filter(rule_id=locked.rule_id, learner_id=locked.learner_id)
            .order_by("-decided_at", "-pk")
            .first()
        )
        if latest is not None and latest.outcome != Outcome.MET:
            # The evidence changed since the award was held: confirming now would issue a
            # credential the latest decision does not support.
            raise AwardActionError(
                _(
                    "The learner no longer meets the rubric (latest decision: %(outcome)s); "
                    "the award cannot be confirmed."
                )
                % {"outcome": latest.get_outcome_display()}
            )
        locked.state = Award.State.PENDING
        locked.confirmed_by = actor[:255]
        locked.save(update_fields=["state", "confirmed_by", "updated_at"])
        record_event(
            actor=actor,
            action="award.confirmed",
            object_type="award",
            object_id=str(locked.uuid),
            before={"state": Award.State.HELD},
            after={"state": locked.state},
            platform_id=locked.home_platform_id,
        )
        enqueue_issue(award_ids=[locked.pk])
    return locked
