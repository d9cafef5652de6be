"""Celery entry points of the awarding pipeline (thin: the work is in the modules they call).

Every task is idempotent and `acks_late`: a worker that dies mid-task leaves its message to be
delivered again, and the rerun finishes the job without doing any of it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.core.mail import get_connection
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import dispatch
from .award_issuance import issue_award, issue_awards
from .evaluation_run import evaluate_and_issue
from .models import Award, AwardingRule
from .notify import email_award, email_awards
from .postback import post_back_award, post_back_awards
from .status_emails import email_notification

log = logging.getLogger(__name__)
_DB_ERRORS = (OperationalError, InterfaceError)
_COMMON: dict[str, Any] = {"acks_late": True, "reject_on_worker_lost": True, "retry_backoff": True}


@shared_task(bind=True, autoretry_for=_DB_ERRORS, max_retries=5, **_COMMON)
def evaluate_learners_task(self, *, rule_id: int, learner_ids: list[int], trigger: str) -> dict:
    """Decide a chunk of learners and issue the awards it reserved, in one transaction
    (ADR 0098); what it could not issue there goes to an issuing task."""
    rule = (
        AwardingRule.objects.select_related("course__platform", "achievement__platform")
        .filter(pk=rule_id)
        .first()
    )
    if rule is None:
        return {"skipped": "no such rule"}
    run = evaluate_and_issue(rule=rule, learner_ids=learner_ids, trigger=trigger)
    _retry_alone(run.failed)
    dispatch.enqueue_after_issue(award_ids=run.issued)
    dispatch.enqueue_issue(award_ids=run.left_to_issue)
    report = run.evaluation
    return {
        "decisions": report.decisions,
        "met": report.met,
        "issued": len(run.issued),
        "to_issue": len(run.left_to_issue),
        "flagged": len(report.flagged),
        "skipped": report.skipped_reason,
    }


def _retry_alone(award_ids: Iterable[int]) -> None:
    """A batch member that failed (left pending with its error) is retried on its own, later:
    the rest of its batch is issued already (its transaction has committed)."""
    for award_id in award_ids:
        issue_award_task.apply_async(kwargs={"award_id": award_id}, countdown=30)


@shared_task(bind=True, autoretry_for=_DB_ERRORS, max_retries=8, **_COMMON)
def issue_award_task(self, *, award_id: int) -> str:
    """One award (a retry of a batch member, the sweep, a confirmation)."""
    award, issued_now = issue_award(award_id=award_id)
    if issued_now:
        dispatch.enqueue_after_issue(award_ids=[award.pk])
    return award.state


@shared_task(bind=True, autoretry_for=_DB_ERRORS, max_retries=8, **_COMMON)
def issue_awards_task(self, *, award_ids: list[int]) -> int:
    """A batch of awards in one transaction (ADR 0070); a failing one is retried on its own."""
    report = issue_awards(award_ids=award_ids)
    _retry_alone(report.failed)
    # Awards of this batch issued but not yet followed up — by this run, or by a run that
    # died before this line (a redelivered batch): mail is claimed once, a repeated 1/1
    # score is harmless.
    follow_up = list(
        Award.objects.filter(
            pk__in=award_ids,
            state=Award.State.ISSUED,
            postback_state=Award.PostbackState.PENDING,
        ).values_list("pk", flat=True)
    )
    dispatch.enqueue_after_issue(award_ids=follow_up)
    return len(report.issued)


@shared_task(bind=True, autoretry_for=(Exception,), max_retries=5, **_COMMON)
def notify_award_task(self, *, award_id: int) -> bool:
    return email_award(award_id=award_id)


@shared_task(bind=True, autoretry_for=(Exception,), max_retries=5, **_COMMON)
def notify_awards_task(self, *, award_ids: list[int]) -> int:
    """Email a batch over one mail connection; each award is emailed at most once."""
    with get_connection() as connection:
        return email_awards(award_ids=award_ids, connection=connection)


@shared_task(bind=True, autoretry_for=(Exception,), max_retries=5, **_COMMON)
def email_notification_task(self, *, notification_id: int) -> bool:
    """A revoked/suspended/reinstated message, by e-mail when the learner's address is known."""
    return email_notification(notification_id=notification_id)


@shared_task(bind=True, max_retries=None, **_COMMON)
def postback_award_task(self, *, award_id: int) -> str:
    outcome = post_back_award(award_id=award_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        # Eager (in-process) mode never sleeps on the LMS: the sweeper retries later.
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(bind=True, **_COMMON)
def postback_awards_task(self, *, award_ids: list[int]) -> int:
    """Post a batch back; an award the LMS refused for now is retried on its own, later."""
    posted = 0
    for award_id, outcome in post_back_awards(award_ids=award_ids).items():
        posted += outcome.state == "posted"
        if outcome.retry_in is not None and not self.request.is_eager:
            postback_award_task.apply_async(
                kwargs={"award_id": award_id}, countdown=outcome.retry_in
            )
    return posted


@shared_task(acks_late=True)
def sweep_awards_task(*, older_than_s: int = 60) -> dict:
    """Finish what a lost message left behind: pending awards, unsent mail, failed post-backs."""
    cutoff = timezone.now() - timedelta(seconds=older_than_s)
    pending = list(
        Award.objects.filter(state=Award.State.PENDING, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:1000]
    )
    for award_id in pending:
        issue_award_task.delay(award_id=award_id)
    unsent = list(
        Award.objects.filter(
            state=Award.State.ISSUED,
            notified_at__isnull=True,
            issued_at__lt=cutoff,
            learner__email__gt="",
        ).values_list("pk", flat=True)[:1000]
    )
    for award_id in unsent:
        notify_award_task.delay(award_id=award_id)
    retry = list(
        Award.objects.filter(
            # Revoked awards too: their credential score is still to be erased in the LMS.
            state__in=(Award.State.ISSUED, Award.State.FLAGGED, Award.State.REVOKED),
            postback_state__in=(Award.PostbackState.PENDING, Award.PostbackState.FAILED),
            updated_at__lt=cutoff,
        ).values_list("pk", flat=True)[:1000]
    )
    for award_id in retry:
        postback_award_task.delay(award_id=award_id)
    return {"pending": len(pending), "unsent": len(unsent), "postback": len(retry)}
