"""What pathways does when awarding says a credential was issued or revoked (its signals are
sent after the transaction commits): queue the check, so the issuing task is never slowed."""

from __future__ import annotations

from typing import Any

from awarding.models import Award

from .tasks import check_people_task, recheck_stacked_task


def on_awards_issued(sender: Any, *, award_ids: list[int], **kwargs: Any) -> None:
    """One check task per issued batch (ADR 0074), not one per credential."""
    learner_ids = sorted(
        set(Award.objects.filter(pk__in=award_ids).values_list("learner_id", flat=True))
    )
    if learner_ids:
        check_people_task.delay(learner_ids=learner_ids)


def on_award_revoked(sender: Any, *, award_id: int, **kwargs: Any) -> None:
    if Award.objects.filter(pk=award_id, stacked_into__isnull=False).exists():
        recheck_stacked_task.delay(award_id=award_id)
