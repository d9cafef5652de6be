"""What pathways does when awarding says a credential was issued or revoked (its signals are
sent after the transaction commits): queue the check, so the issuing task is never slowed."""

from __future__ import annotations

from typing import Any

from awarding.models import Award

from .tasks import check_person_task, recheck_stacked_task


def on_award_issued(sender: Any, *, award_id: int, **kwargs: Any) -> None:
    learner_id = Award.objects.filter(pk=award_id).values_list("learner_id", flat=True).first()
    if learner_id is not None:
        check_person_task.delay(learner_id=learner_id)


def on_award_revoked(sender: Any, *, award_id: int, **kwargs: Any) -> None:
    if Award.objects.filter(pk=award_id, stacked_into__isnull=False).exists():
        recheck_stacked_task.delay(award_id=award_id)
