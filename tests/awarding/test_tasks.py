"""What starts the pipeline, and the sweep that finishes what a lost message left behind."""

from datetime import timedelta

import pytest
from django.utils import timezone

from awarding.decide import evaluate_learners
from awarding.models import Award, Decision
from awarding.receivers import on_version_activated
from awarding.tasks import sweep_awards_task
from credentials.models import Credential
from tests.fault_injection import connect_before_credential_stored

from .scenario import build

pytestmark = pytest.mark.django_db


def test_an_activated_version_evaluates_every_learner_of_the_course(
    django_capture_on_commit_callbacks,
):
    sc = build()
    meets, misses = sc.add_learners(2)
    sc.grade_all(meets, 1.0)
    sc.grade(misses, "browse", 1)
    version = sc.rubric.versions.get()

    with django_capture_on_commit_callbacks(execute=True):
        on_version_activated(sender=None, version=version)

    assert set(Decision.objects.values_list("learner_id", "outcome")) == {
        (meets.pk, "met"),
        (misses.pk, "insufficient_evidence"),
    }
    assert Award.objects.get().learner == meets
    assert Credential.objects.count() == 1


def test_the_sweep_issues_an_award_whose_message_was_lost(django_capture_on_commit_callbacks):
    sc = build()
    learner = sc.add_learners(1)[0]
    sc.grade_all(learner, 1.0)
    report = evaluate_learners(rule=sc.rule, learner_ids=[learner.pk], trigger="t")  # no task
    award = Award.objects.get(pk=report.to_issue[0])

    assert sweep_awards_task.delay(older_than_s=60).get() == {
        "pending": 0,
        "unsent": 0,
        "postback": 0,
    }  # too recent: its task may still be on its way
    Award.objects.filter(pk=award.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        counts = sweep_awards_task.delay(older_than_s=60).get()

    assert counts["pending"] == 1
    award.refresh_from_db()
    assert award.state == Award.State.ISSUED and award.credential_id == award.uuid


def test_a_batch_member_that_fails_is_recorded_and_retried_alone(monkeypatch):
    from awarding import tasks

    sc = build()
    first, second = sc.add_learners(2)
    for learner in (first, second):
        sc.grade_all(learner, 1.0)
    report = evaluate_learners(rule=sc.rule, learner_ids=[first.pk, second.pk], trigger="t")
    retried = []
    monkeypatch.setattr(
        tasks.issue_award_task, "apply_async", lambda kwargs, countdown: retried.append(kwargs)
    )
    failing = Award.objects.get(learner=second)
    # Every statement that would store the second credential fails: the batch's one insert,
    # then that credential's own (ADR 0076).
    disconnect = connect_before_credential_stored(action="raise", credential_id=failing.uuid)
    try:
        issued = tasks.issue_awards_task.apply(kwargs={"award_ids": report.to_issue}).get()
    finally:
        disconnect()

    assert issued == 1  # the other member of the batch went through
    failed = Award.objects.get(state=Award.State.PENDING)
    assert failed == failing and "injected fault" in failed.issue_error
    assert Credential.objects.get().pk == Award.objects.get(learner=first).uuid
    assert retried == [{"award_id": failed.pk}]
    tasks.issue_award_task.apply(kwargs={"award_id": failed.pk})
    failed.refresh_from_db()
    assert failed.state == Award.State.ISSUED and failed.issue_error == ""
    assert Credential.objects.count() == 2


def test_a_crash_as_a_batch_is_stored_leaves_nothing_and_the_retry_completes(
    fail_before_credential_stored,
):
    """The fault fires once, on the batch's one insert: its credentials are then stored one by
    one (each under its own savepoint), none twice, and the batch is issued whole."""
    from awarding import tasks

    sc = build()
    learners = sc.add_learners(3)
    for learner in learners:
        sc.grade_all(learner, 1.0)
    report = evaluate_learners(rule=sc.rule, learner_ids=[x.pk for x in learners], trigger="t")

    issued = tasks.issue_awards_task.apply(kwargs={"award_ids": report.to_issue}).get()

    assert not fail_before_credential_stored.exists(), "the fault never fired"
    assert issued == 3
    awards = Award.objects.all()
    assert {a.state for a in awards} == {Award.State.ISSUED}
    assert sorted(Credential.objects.values_list("pk", flat=True)) == sorted(a.uuid for a in awards)
