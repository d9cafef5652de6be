"""Evaluate learners against a rule: record every decision, then reserve, flag or keep awards.

The award row is reserved *before* anything is signed: the database constraint (one live award
per learner and achievement) is what makes concurrent evaluations safe, not a prior check.
Signing happens later, in `award_issuance.issue_awards`, for the reserved row's UUID.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from assessments.models import Learner
from config.values_insert import insert_values
from rubrics.evaluate import INSUFFICIENT, MET, evaluate
from rubrics.evidence import deleted_binding_reason, deleted_bindings, load_evidence

from .flags import clear_flag, flag_award
from .models import Award, AwardingRule, Decision
from .rules import active_version, version_spec
from .snapshot import evidence_snapshot

log = logging.getLogger(__name__)


@dataclass
class EvaluationReport:
    rule_id: int
    decisions: int = 0
    met: int = 0
    to_issue: list[int] = field(default_factory=list)  # award ids still to be signed
    held: list[int] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)  # flagged awards met again
    # The pending awards this evaluation reserved itself (a subset of `to_issue`), with the
    # rule's course and achievement and their decision attached: in a caller's transaction
    # they stay locked by their insert until its commit (`awarding.evaluation_run`).
    reserved: list[Award] = field(default_factory=list)
    skipped_reason: str = ""


def evaluate_learners(
    *, rule: AwardingRule, learner_ids: list[int], trigger: str
) -> EvaluationReport:
    """Decide each learner against the rule's active rubric version and act on the outcome."""
    report = EvaluationReport(rule_id=rule.pk)
    if not rule.active:
        report.skipped_reason = "rule inactive"
        return report
    version = active_version(rubric_id=rule.rubric_id)
    if version is None:
        report.skipped_reason = "no active rubric version"
        return report
    # Only people of the rule's course (enrolled, or with results in it) on its platform: ids
    # from a signal or a form are never trusted across courses or tenants.
    course_id = rule.course_id
    # Their ids only: the decisions and awards name learners by id.
    learners = set(
        Learner.objects.filter(pk__in=list(learner_ids), platform_id=rule.course.platform_id)
        .filter(Q(enrolments__course_id=course_id) | Q(results__line_item__course_id=course_id))
        .values_list("pk", flat=True)
        .distinct()
    )
    if not learners:
        return report
    spec = version_spec(version)
    evidence = load_evidence(version=version, learner_ids=list(learners))
    # A criterion whose column was deleted in the LMS has no evidence (load_evidence leaves
    # it out); the rule cannot award until it is bound again, whatever the policy.
    unbound = [deleted_binding_reason(*b) for b in deleted_bindings(version=version)]
    now = timezone.now()
    rows = []
    for learner_id in sorted(learners):
        observed = evidence.get(learner_id, {})
        result = evaluate(spec, observed).to_dict()
        if unbound:
            result["outcome"] = INSUFFICIENT
            result["reasons"] = unbound + [
                r for r in result["reasons"] if r != "all conditions met"
            ]
        rows.append(
            Decision(
                rule=rule,
                course_id=rule.course_id,
                achievement_id=rule.achievement_id,
                learner_id=learner_id,
                rubric_version=version,
                outcome=result["outcome"],
                evidence=evidence_snapshot(observed),
                result=result,
                trigger=trigger[:40],
                decided_at=now,
            )
        )
    # One VALUES list bound on the server: bulk_create's arrays had psycopg escape every
    # quote of the evidence and results in Python (ADR 0095).
    with transaction.atomic():
        insert_values(rows)
    decisions = rows
    report.decisions = len(decisions)
    if unbound:
        # A missing column says nothing about the learners: issued awards are not flagged.
        report.skipped_reason = "; ".join(unbound)
        return report
    # One read of the learners' awards of this achievement: the live ones, and who had one
    # revoked (a new award for them waits for an instructor).
    live: dict[int, Award] = {}
    revoked: set[int] = set()
    for a in Award.objects.filter(
        achievement_id=rule.achievement_id, learner_id__in=list(learners)
    ):
        if a.state == Award.State.REVOKED:
            revoked.add(a.learner_id)
        else:
            live[a.learner_id] = a
    live.update(
        reserve_awards(
            rule=rule,
            decisions=[d for d in decisions if d.outcome == MET and d.learner_id not in live],
            revoked=revoked,
        )
    )
    for decision in decisions:
        award = live.get(decision.learner_id)
        if decision.outcome == MET:
            report.met += 1
            if award is not None:  # None only if the award was revoked in between
                _after_met(award=award, decision=decision, report=report)
        elif award is not None and award.state == Award.State.ISSUED:
            flag_award(award=award, decision=decision)
            report.flagged.append(award.pk)
    return report


def _after_met(*, award: Award, decision: Decision, report: EvaluationReport) -> None:
    if award.state == Award.State.PENDING:
        # New, or left pending by a crash between signing and storing: (re)issue it.
        report.to_issue.append(award.pk)
        if award.decision_id == decision.pk:  # reserved just now, on this decision
            rule = decision.rule
            award.rule, award.course, award.achievement = rule, rule.course, rule.achievement
            award.decision = decision
            report.reserved.append(award)
    elif award.state == Award.State.HELD:
        report.held.append(award.pk)
    elif award.state == Award.State.FLAGGED:
        clear_flag(award=award, decision=decision, actor="system:re-evaluation")
        report.cleared.append(award.pk)


def reserve_awards(
    *, rule: AwardingRule, decisions: list[Decision], revoked: set[int]
) -> dict[int, Award]:
    """Create the live award rows of `met` decisions, or find those that already exist.

    Learner id -> award. One insert for all (ADR 0070): the unique constraint (one live award
    per learner and achievement) lets only one of concurrent evaluations create a learner's
    award. The insert is tried as it is first; if another evaluation won a learner, it is
    made again with the others' rows skipped (`ON CONFLICT DO NOTHING`), and the winners'
    awards are read.
    After a revocation the learner may still meet the rubric on the same grades: the new
    award waits for an instructor instead of silently issuing the credential again.
    `revoked`: the learners with a revoked award of the achievement (the caller has read
    their awards already).
    """
    if not decisions:
        return {}

    def rows() -> list[Award]:
        return [
            Award(
                rule=rule,
                course_id=rule.course_id,
                achievement_id=rule.achievement_id,
                learner_id=decision.learner_id,
                decision=decision,
                state=Award.State.HELD
                if rule.mode == rule.Mode.HOLD or decision.learner_id in revoked
                else Award.State.PENDING,
            )
            for decision in decisions
        ]

    # Nearly always no other evaluation got there first (the caller read these learners'
    # awards a moment ago): the rows come back with their ids and are used as they are,
    # without reading a hundred awards back (one query and a model each, about 5 ms a
    # hundred). A conflict fails the whole insert in its savepoint; then each learner's
    # winning row is read.
    fresh = rows()
    try:
        with transaction.atomic():
            Award.objects.bulk_create(fresh)
    except IntegrityError:
        pass
    else:
        if all(award.pk is not None for award in fresh):  # the backend returned the ids
            return {award.learner_id: award for award in fresh}
    learner_ids = [d.learner_id for d in decisions]
    with transaction.atomic():
        Award.objects.bulk_create(rows(), ignore_conflicts=True)
    return {
        a.learner_id: a
        for a in Award.objects.filter(
            achievement_id=rule.achievement_id, learner_id__in=learner_ids
        ).exclude(state=Award.State.REVOKED)
    }
