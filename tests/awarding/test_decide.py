"""Evaluation: every decision recorded with its snapshot; awards reserved once; flags."""

import pytest

from audit.models import AuditEvent
from awarding.decide import evaluate_learners
from awarding.models import Award, AwardingRule, Decision

from .factories import make_learner, make_platform
from .scenario import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def sc():
    scenario = build()
    scenario.add_learners(4)
    return scenario


def test_outcomes_and_reservations(sc):
    full, low, partial, none = sc.learners
    sc.grade_all(full, 1.0)
    sc.grade_all(low, 1.0)
    sc.grade(low, "create", 11)  # threshold 12
    sc.grade(partial, "browse", 10)
    sc.grade(partial, "create", 20)  # "protect" never graded

    report = evaluate_learners(rule=sc.rule, learner_ids=[x.pk for x in sc.learners], trigger="t")

    outcomes = dict(Decision.objects.values_list("learner_id", "outcome"))
    assert outcomes == {
        full.pk: "met",
        low.pk: "not_met",
        partial.pk: "insufficient_evidence",
        none.pk: "insufficient_evidence",
    }
    assert report.decisions == 4 and report.met == 1
    award = Award.objects.get()
    assert award.learner == full and award.state == Award.State.PENDING
    assert report.to_issue == [award.pk]
    assert award.decision.outcome == "met"
    # The snapshot is what was evaluated: the revisions of each criterion's result.
    snap = award.decision.evidence
    assert set(snap) == {"browse", "create", "protect"}
    assert snap["create"][0]["score"] == 20.0
    assert award.decision.result["criteria"][1]["passed"] is True
    low_decision = Decision.objects.get(learner=low)
    assert any("below the threshold" in r for r in low_decision.result["reasons"])


def test_re_evaluation_keeps_one_award_and_records_each_decision(sc):
    learner = sc.learners[0]
    sc.grade_all(learner, 0.95)
    first = evaluate_learners(rule=sc.rule, learner_ids=[learner.pk], trigger="sync")
    second = evaluate_learners(rule=sc.rule, learner_ids=[learner.pk], trigger="launch")
    assert Decision.objects.filter(learner=learner).count() == 2
    assert Award.objects.filter(learner=learner).count() == 1
    # The award is still pending (not signed yet): the second evaluation asks to issue it again.
    assert first.to_issue == second.to_issue


def test_hold_mode_reserves_a_held_award(sc):
    sc.rule.mode = AwardingRule.Mode.HOLD
    sc.rule.save()
    learner = sc.learners[0]
    sc.grade_all(learner, 1.0)
    report = evaluate_learners(rule=sc.rule, learner_ids=[learner.pk], trigger="sync")
    award = Award.objects.get()
    assert award.state == Award.State.HELD
    assert report.to_issue == [] and report.held == [award.pk]


def test_learners_of_another_platform_are_ignored(sc):
    stranger = make_learner(platform=make_platform())
    report = evaluate_learners(rule=sc.rule, learner_ids=[stranger.pk], trigger="sync")
    assert report.decisions == 0
    assert not Decision.objects.exists()


def test_no_active_version_means_no_decision(sc):
    from rubrics.models import RubricVersion

    RubricVersion.objects.filter(rubric=sc.rubric).update(state="retired")
    sc.grade_all(sc.learners[0], 1.0)
    report = evaluate_learners(rule=sc.rule, learner_ids=[sc.learners[0].pk], trigger="sync")
    assert report.skipped_reason == "no active rubric version"
    assert not Decision.objects.exists()


def test_lowered_grade_flags_an_issued_award_and_raising_it_clears_the_flag(sc):
    learner = sc.learners[0]
    sc.grade_all(learner, 1.0)
    evaluate_learners(rule=sc.rule, learner_ids=[learner.pk], trigger="sync")
    Award.objects.update(state=Award.State.ISSUED)  # as if signed (issuance tested elsewhere)

    sc.grade(learner, "browse", 2)
    report = evaluate_learners(rule=sc.rule, learner_ids=[learner.pk], trigger="sync")
    award = Award.objects.get()
    assert report.flagged == [award.pk]
    assert award.state == Award.State.FLAGGED
    # Both snapshots are kept: the one that made the award and the one that flagged it.
    assert award.decision.evidence["browse"][-1]["score"] == 10.0
    assert award.flag_decision.evidence["browse"][-1]["score"] == 2.0
    assert "browse" in award.flag_reason
    assert AuditEvent.objects.filter(action="award.flagged", object_id=str(award.uuid)).exists()

    sc.grade(learner, "browse", 9)
    evaluate_learners(rule=sc.rule, learner_ids=[learner.pk], trigger="sync")
    award.refresh_from_db()
    assert award.state == Award.State.ISSUED
    assert Award.objects.count() == 1


def test_learners_outside_the_course_are_ignored(sc):
    outsider = make_learner(platform=sc.course.platform)  # same institution, not enrolled
    report = evaluate_learners(rule=sc.rule, learner_ids=[outsider.pk], trigger="sync")
    assert report.decisions == 0


def test_an_award_a_concurrent_evaluation_reserved_first_is_the_one_returned(sc):
    """The insert skips the learner whose live award another evaluation stored between this
    one's read and its insert (the unique constraint, `ON CONFLICT DO NOTHING`): that award is
    returned, and the other learner's new row carries its database id."""
    from awarding.decide import reserve_awards

    first, second = sc.learners[:2]
    for learner in (first, second):
        sc.grade_all(learner, 1.0)
    evaluate_learners(rule=sc.rule, learner_ids=[first.pk], trigger="t")
    winner = Award.objects.get(learner=first)
    late = Decision.objects.create(
        rule=sc.rule,
        course=sc.course,
        achievement=sc.achievement,
        learner=second,
        rubric_version=winner.decision.rubric_version,
        outcome="met",
    )

    reserved = reserve_awards(rule=sc.rule, decisions=[winner.decision, late], revoked=set())

    assert (reserved[first.pk].pk, reserved[first.pk].uuid) == (winner.pk, winner.uuid)
    stored = Award.objects.get(learner=second)
    assert (reserved[second.pk].pk, reserved[second.pk].uuid) == (stored.pk, stored.uuid)
    assert not reserved[second.pk]._state.adding
    assert Award.objects.count() == 2


def test_decisions_store_their_evidence_and_results_exactly(sc):
    """Comments with quotes, backslashes and non-ASCII travel beside the statement (ADR 0095)
    and come back as they were evaluated."""
    learner = sc.learners[0]
    sc.grade_all(learner, 1.0)
    comment = 'said "well done" \\ fin — ok\n{"not": "json"}'
    sc.grade(learner, "create", 20, comment=comment)
    report = evaluate_learners(rule=sc.rule, learner_ids=[learner.pk], trigger="t")
    decision = Decision.objects.get(learner=learner)
    assert report.decisions == 1
    assert decision.evidence["create"][-1]["comment"] == comment
    assert decision.result["outcome"] == "met"
    assert Award.objects.get(learner=learner).decision_id == decision.pk
