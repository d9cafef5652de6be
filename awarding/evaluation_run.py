"""An evaluation task's work: decide a chunk of learners and issue what it reserved, in one
transaction (ADR 0098).

The awards an evaluation reserves are locked by their own insert until its commit, and it
already holds what issuing reads (the rule's course and achievement, each award's decision and
rubric version): issued in the same transaction they need no second read, no second lock and
no task of their own. Other awards still to issue (left pending by an earlier run) and any
award of an evaluation that flagged or cleared a flag (whose audit entries hold the chain's
head until the commit) go to their own issuing task, as before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction

from assessments.models import Learner

from .award_issuance import DB_ERRORS, BatchReport, issue_locked_awards
from .decide import EvaluationReport, evaluate_learners
from .models import AwardingRule

log = logging.getLogger(__name__)


@dataclass
class EvaluationRun:
    """What `evaluate_and_issue` did: the evaluation's report; the awards issued in its
    transaction; those whose issuing failed alone (pending, their error recorded), for a
    retry each; and those left to an issuing task."""

    evaluation: EvaluationReport
    issued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    left_to_issue: list[int] = field(default_factory=list)


def evaluate_and_issue(
    *, rule: AwardingRule, learner_ids: list[int], trigger: str
) -> EvaluationRun:
    """Evaluate `learner_ids` against `rule`, and issue the awards it reserved, in one
    transaction. A database error rolls all of it back (the caller retries the whole run);
    an issuing that fails otherwise is rolled back alone, and its awards are left to an
    issuing task: the decisions and reservations are kept either way."""
    with transaction.atomic():
        report = evaluate_learners(rule=rule, learner_ids=learner_ids, trigger=trigger)
        batch = _issue_reserved(report)
    done = set(batch.issued) | set(batch.failed) if batch else set()
    return EvaluationRun(
        evaluation=report,
        issued=list(batch.issued) if batch else [],
        failed=list(batch.failed) if batch else [],
        left_to_issue=[award_id for award_id in report.to_issue if award_id not in done],
    )


def _issue_reserved(report: EvaluationReport) -> BatchReport | None:
    if not report.reserved or report.flagged or report.cleared:
        return None
    awards = sorted(report.reserved, key=lambda award: award.pk)
    learners = Learner.objects.in_bulk([award.learner_id for award in awards])
    for award in awards:
        award.learner = learners[award.learner_id]
    try:
        with transaction.atomic():  # a savepoint: the decisions stay if issuing fails
            return issue_locked_awards(awards)
    except DB_ERRORS:
        raise  # the connection is gone: the whole run is retried
    except Exception:
        log.exception("issuing %s reserved awards failed; left to an issuing task", len(awards))
        return None
