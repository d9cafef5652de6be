"""An evaluation issues the awards it reserved in its own transaction (ADR 0098); what it
cannot issue there goes to an issuing task, and nothing it decided is lost."""

import json

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from audit.verify import verify_chain
from awarding import award_issuance, evaluation_run, tasks
from awarding.decide import evaluate_learners
from awarding.evaluation_run import evaluate_and_issue
from awarding.models import Award, AwardingRule, Decision
from credentials.local_verification import verify_credential
from credentials.models import Credential
from tests.fault_injection import InjectedFault, connect_before_credential_stored

from .scenario import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The issuing tasks queued (by award ids), instead of run."""
    sent: list[list[int]] = []
    monkeypatch.setattr(
        tasks.issue_awards_task, "delay", lambda award_ids: sent.append(sorted(award_ids))
    )
    return sent


def _graded(n: int, fraction: float = 1.0):
    sc = build()
    learners = sc.add_learners(n)
    for learner in learners:
        sc.grade_all(learner, fraction)
    return sc, learners


def _rule(sc) -> AwardingRule:
    return AwardingRule.objects.select_related("course__platform", "achievement__platform").get(
        pk=sc.rule.pk
    )


def _results(credential: Credential) -> list:
    return json.loads(credential.document)["credentialSubject"]["result"]


def test_the_evaluation_task_issues_what_it_reserved_without_an_issuing_task(
    queued, django_capture_on_commit_callbacks
):
    sc, learners = _graded(3)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = tasks.evaluate_learners_task.apply(
            kwargs={"rule_id": sc.rule.pk, "learner_ids": [x.pk for x in learners], "trigger": "t"}
        ).get()

    assert outcome["issued"] == 3 and outcome["to_issue"] == 0
    assert queued == []
    awards = list(Award.objects.select_related("credential"))
    assert {a.state for a in awards} == {Award.State.ISSUED}
    for award in awards:
        assert award.credential_id == award.uuid
        assert verify_credential(json.loads(award.credential.document)).ok
    # Followed up as an issuing task's batch is: each learner notified.
    assert {a.notified_at is not None for a in Award.objects.all()} == {True}
    assert verify_chain().ok


def test_a_credential_issued_in_the_evaluation_says_what_one_issued_by_a_task_says():
    """The decision issuing reads from memory (not stored and read back) gives the same
    results as the stored decision an issuing task reads."""
    sc, (first, second) = _graded(2, fraction=0.9)
    evaluate_and_issue(rule=_rule(sc), learner_ids=[first.pk], trigger="t")
    report = evaluate_learners(rule=_rule(sc), learner_ids=[second.pk], trigger="t")
    award_issuance.issue_awards(award_ids=report.to_issue)

    inline, by_task = (Award.objects.get(learner=x).credential for x in (first, second))
    assert _results(inline) == _results(by_task)
    assert len(_results(inline)) == 3


def test_issuing_reads_no_award_again():
    sc, learners = _graded(6)
    evaluate_and_issue(rule=_rule(sc), learner_ids=[learners[0].pk], trigger="t")  # warm
    rule = _rule(sc)

    with CaptureQueriesContext(connection) as queries:
        run = evaluate_and_issue(rule=rule, learner_ids=[x.pk for x in learners[1:]], trigger="t")

    assert len(run.issued) == 5
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert not [sql for sql in locks if 'FROM "awarding_award"' in sql], locks
    reads = [q for q in queries.captured_queries if q["sql"].startswith('SELECT "awarding_award"')]
    # Once, before their insert (which learners have one, live or revoked): the inserted rows
    # come back with their ids and are not read again.
    assert len(reads) == 1, [q["sql"][:200] for q in reads]


def test_an_issuing_that_fails_keeps_the_decisions_and_leaves_the_awards_to_a_task(
    monkeypatch, queued, django_capture_on_commit_callbacks
):
    sc, learners = _graded(2)

    def broken(awards):
        raise InjectedFault("the signing key cannot be read")

    monkeypatch.setattr(award_issuance, "_shared_reads", broken)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = tasks.evaluate_learners_task.apply(
            kwargs={"rule_id": sc.rule.pk, "learner_ids": [x.pk for x in learners], "trigger": "t"}
        ).get()

    assert outcome["issued"] == 0 and outcome["to_issue"] == 2
    assert Decision.objects.count() == 2
    awards = sorted(Award.objects.values_list("pk", "state"))
    assert [state for _pk, state in awards] == [Award.State.PENDING] * 2
    assert queued == [[pk for pk, _state in awards]]
    assert not Credential.objects.exists()


def test_a_lost_connection_while_issuing_rolls_the_whole_evaluation_back(monkeypatch):
    sc, learners = _graded(2)
    ids = [x.pk for x in learners]

    def gone(awards):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(award_issuance, "_shared_reads", gone)
    with pytest.raises(OperationalError):
        evaluate_and_issue(rule=_rule(sc), learner_ids=ids, trigger="t")
    assert not Decision.objects.exists() and not Award.objects.exists()

    monkeypatch.undo()  # the task's retry
    run = evaluate_and_issue(rule=_rule(sc), learner_ids=ids, trigger="t")
    assert len(run.issued) == 2 and Credential.objects.count() == 2


def test_a_member_that_fails_is_retried_alone_and_the_others_are_issued(monkeypatch, queued):
    sc, (first, second) = _graded(2)
    retried = []
    monkeypatch.setattr(
        tasks.issue_award_task, "apply_async", lambda kwargs, countdown: retried.append(kwargs)
    )
    # The award's UUID is drawn at its insert: fail whatever the second learner's would be.
    real_issue = award_issuance.issue_locked_awards

    def failing_second(awards):
        victim = next(a for a in awards if a.learner_id == second.pk)
        disconnect = connect_before_credential_stored(action="raise", credential_id=victim.uuid)
        try:
            return real_issue(awards)
        finally:
            disconnect()

    monkeypatch.setattr(evaluation_run, "issue_locked_awards", failing_second)
    outcome = tasks.evaluate_learners_task.apply(
        kwargs={"rule_id": sc.rule.pk, "learner_ids": [first.pk, second.pk], "trigger": "t"}
    ).get()

    assert outcome["issued"] == 1
    failed = Award.objects.get(learner=second)
    assert failed.state == Award.State.PENDING and "injected fault" in failed.issue_error
    assert retried == [{"award_id": failed.pk}] and queued == []
    assert Award.objects.get(learner=first).state == Award.State.ISSUED


def test_an_evaluation_that_flags_leaves_its_new_awards_to_a_task(queued):
    """Its flag's audit entry holds the chain's head until the commit: issuing there would hold
    it for the whole batch."""
    sc, (issued_before, newcomer) = _graded(2)
    sc.grade_all(newcomer, 0.0)
    evaluate_and_issue(rule=_rule(sc), learner_ids=[issued_before.pk], trigger="t")
    sc.grade_all(issued_before, 0.0)  # lowered: the issued award is flagged
    sc.grade_all(newcomer, 1.0)

    run = evaluate_and_issue(
        rule=_rule(sc), learner_ids=[issued_before.pk, newcomer.pk], trigger="t"
    )

    assert run.evaluation.flagged == [Award.objects.get(learner=issued_before).pk]
    new = Award.objects.get(learner=newcomer)
    assert run.issued == [] and run.left_to_issue == [new.pk]
    assert new.state == Award.State.PENDING


def test_an_award_an_earlier_run_left_pending_goes_to_an_issuing_task():
    sc, (learner,) = _graded(1)
    earlier = evaluate_learners(rule=_rule(sc), learner_ids=[learner.pk], trigger="t")

    run = evaluate_and_issue(rule=_rule(sc), learner_ids=[learner.pk], trigger="t")

    assert run.issued == [] and run.left_to_issue == earlier.to_issue
    assert Award.objects.get().state == Award.State.PENDING


@pytest.mark.django_db(transaction=True)
def test_issue_locked_awards_refuses_to_run_outside_a_transaction():
    # In autocommit no lock could be held from the caller's read to this call.
    with pytest.raises(RuntimeError, match="transaction"):
        award_issuance.issue_locked_awards([])
