"""Enqueue pipeline work once the transaction that caused it has committed.

A worker must see the rows a task refers to, so nothing is sent before commit; in-process
(eager) mode runs the tasks right after the commit instead. The callbacks are robust: with the
broker down, the failure is logged and the request that caused it still answers (the award
sweep finds pending awards, unsent mail and post-backs again once the broker is back).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

# tasks imports this module back: a module import (attributes read at call time) is what
# makes the pair importable in either order.
from . import tasks

EVALUATION_CHUNK = 100
# Awards issued (and then notified and posted back) per task: few enough that two workers
# share a course's awards evenly, enough that the per-task cost (the task's messages, the
# batch's reads and locks, its commit and audit entry) does not dominate. 50 rather than 20
# (ADR 0091); 100, one evaluation chunk's worth, rather than 50: a steady batch 18 % less a
# credential, two workers 8 % faster, in four alternating pairs of bench/award.py (ADR 0097).
# Since ADR 0098 an evaluation issues what it reserved itself: an issuing task takes only
# what an evaluation left (earlier runs' pending awards, an evaluation that flagged).
ISSUE_BATCH = 100


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def enqueue_evaluation(*, rule_id: int, learner_ids: Iterable[int], trigger: str) -> int:
    """Evaluate these learners against the rule (in chunks); returns the number of tasks."""
    ids = sorted({int(i) for i in learner_ids})
    chunks = list(_chunks(ids, EVALUATION_CHUNK))
    for chunk in chunks:

        def evaluate(chunk: list[int] = chunk) -> None:
            tasks.evaluate_learners_task.delay(rule_id=rule_id, learner_ids=chunk, trigger=trigger)

        transaction.on_commit(evaluate)
    return len(chunks)


def enqueue_issue(*, award_ids: Iterable[int]) -> None:
    for batch in _chunks(sorted(set(award_ids)), ISSUE_BATCH):

        def issue(batch: list[int] = batch) -> None:
            tasks.issue_awards_task.delay(award_ids=batch)

        transaction.on_commit(issue, robust=True)


def enqueue_after_issue(*, award_ids: list[int]) -> None:
    """Notify and post back: separate tasks, so neither can hold up or undo the awards."""
    if award_ids:
        transaction.on_commit(
            lambda: tasks.notify_awards_task.delay(award_ids=award_ids), robust=True
        )
        transaction.on_commit(
            lambda: tasks.postback_awards_task.delay(award_ids=award_ids), robust=True
        )
