"""Issuance: compose → sign → verify → store once; crash-and-retry; hold; revoke; notify."""

import json

import pytest
from django.core import mail
from django.db import connection
from django.db.models.signals import pre_save

from assessments.signals import learners_changed
from audit.models import AuditEvent
from awarding.award_issuance import issue_award
from awarding.decide import evaluate_learners
from awarding.models import Award, AwardingRule, InstitutionSetting, Notification
from awarding.notify import email_award, email_awards
from awarding.revoke import AwardActionError, confirm_award, revoke_award
from credentials.local_verification import verify_credential
from credentials.models import Credential
from tests.fault_injection import InjectedFault

from .scenario import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def sc():
    scenario = build()
    scenario.add_learners(2)
    return scenario


def _reserve(sc, learner, fraction=1.0):
    sc.grade_all(learner, fraction)
    report = evaluate_learners(rule=sc.rule, learner_ids=[learner.pk], trigger="test")
    return Award.objects.get(pk=report.to_issue[0])


def test_issue_signs_a_verifying_credential_with_the_reserved_id(sc, settings):
    settings.PUBLIC_BASE_URL = "https://tool.example.edu"
    learner = sc.learners[0]
    award = _reserve(sc, learner)

    issued, now = issue_award(award_id=award.pk)

    assert now is True and issued.state == Award.State.ISSUED
    credential = Credential.objects.get()
    assert credential.pk == award.uuid and issued.credential_id == credential.pk
    document = json.loads(credential.document)
    result = verify_credential(document)
    assert result.ok, result.errors
    assert document["evidence"][0]["id"] == f"https://tool.example.edu/evidence/{award.uuid}"
    subject = document["credentialSubject"]
    assert {r["value"] for r in subject["result"]} == {"10", "20"}
    assert subject["achievement"]["name"] == sc.achievement.name
    assert Notification.objects.filter(award=issued, kind="awarded").count() == 1
    assert AuditEvent.objects.filter(action="award.issued", object_id=str(award.uuid)).exists()
    assert issued.postback_state == Award.PostbackState.PENDING


def test_a_second_issue_does_nothing(sc):
    award = _reserve(sc, sc.learners[0])
    issue_award(award_id=award.pk)
    again, now = issue_award(award_id=award.pk)
    assert now is False and again.state == Award.State.ISSUED
    assert Credential.objects.count() == 1


def test_names_are_left_out_when_the_institution_says_so(sc):
    InstitutionSetting.objects.create(platform=sc.course.platform, show_learner_names=False)
    award = _reserve(sc, sc.learners[0])
    issue_award(award_id=award.pk)
    document = json.loads(Credential.objects.get().document)
    assert sc.learners[0].name not in json.dumps(document)


def test_nothing_in_production_runs_before_a_credential_is_stored():
    # Fault injection is connected by the tests that need it (tests/fault_injection.py) and
    # disconnected after them; production code must not carry such a hook.
    assert not pre_save.has_listeners(Credential)
    assert not connection.execute_wrappers


def test_a_crash_between_signing_and_storing_leaves_nothing_and_the_retry_completes(
    sc, fail_before_credential_stored
):
    award = _reserve(sc, sc.learners[0])

    with pytest.raises(InjectedFault):
        issue_award(award_id=award.pk)
    assert not fail_before_credential_stored.exists(), "the fault never fired"
    award.refresh_from_db()
    assert award.state == Award.State.PENDING and award.credential_id is None
    assert not Credential.objects.exists()

    issued, now = issue_award(award_id=award.pk)  # the retry (the fault fired once)
    assert now and issued.credential_id == award.uuid
    assert Credential.objects.count() == 1
    assert verify_credential(json.loads(Credential.objects.get().document)).ok


def test_held_award_is_issued_only_after_confirmation(sc, django_capture_on_commit_callbacks):
    sc.rule.mode = AwardingRule.Mode.HOLD
    sc.rule.save()
    learner = sc.learners[0]
    sc.grade_all(learner, 1.0)
    evaluate_learners(rule=sc.rule, learner_ids=[learner.pk], trigger="test")
    award = Award.objects.get()
    assert award.state == Award.State.HELD and not Credential.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        confirm_award(award=award, actor="lti:1:teacher")
    award.refresh_from_db()
    assert award.state == Award.State.ISSUED and award.confirmed_by == "lti:1:teacher"
    with pytest.raises(AwardActionError):
        confirm_award(award=award, actor="lti:1:teacher")


def test_revocation_needs_a_reason_and_revokes_the_credential(sc):
    award = _reserve(sc, sc.learners[0])
    issued, _ = issue_award(award_id=award.pk)
    with pytest.raises(AwardActionError):
        revoke_award(award=issued, reason="  ", actor="user:1")

    revoked = revoke_award(award=issued, reason="Plagiarism confirmed", actor="user:1")

    assert revoked.state == Award.State.REVOKED
    credential = Credential.objects.get()
    assert credential.status == "revoked"
    assert not verify_credential(json.loads(credential.document)).ok
    assert AuditEvent.objects.filter(action="award.revoked", actor="user:1").exists()
    assert Notification.objects.filter(award=revoked, kind="revoked").exists()
    # A revoked award no longer blocks a new one, but the new one waits for an instructor:
    # the next sync does not silently issue the revoked credential again.
    sc.grade_all(sc.learners[0], 0.95)
    report = evaluate_learners(rule=sc.rule, learner_ids=[sc.learners[0].pk], trigger="test")
    assert report.to_issue == [] and len(report.held) == 1 and report.held[0] != revoked.pk
    assert Credential.objects.count() == 1


def test_email_is_sent_once(sc):
    award = _reserve(sc, sc.learners[0])
    issue_award(award_id=award.pk)
    assert email_award(award_id=award.pk) is True
    assert email_award(award_id=award.pk) is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [sc.learners[0].email]
    assert f"/credentials/{award.uuid}" in message.body


def test_a_batchs_email_failing_midway_sends_each_once_on_the_retry(sc, monkeypatch):
    """A batch claims its awards at once (ADR 0074): a send that fails releases its claim and
    those of the awards not reached, so the retry sends exactly those."""
    from awarding import notify

    sc.add_learners(1)
    awards = [_reserve(sc, learner) for learner in sc.learners]
    for award in awards:
        issue_award(award_id=award.pk)
    ids = [a.pk for a in awards]
    real_send = notify.send_mail
    calls = []

    def second_fails(*args, **kwargs):
        calls.append(args[3])
        if len(calls) == 2:
            raise ConnectionError("the mail server hung up")
        return real_send(*args, **kwargs)

    monkeypatch.setattr(notify, "send_mail", second_fails)
    with pytest.raises(ConnectionError):
        email_awards(award_ids=ids)
    assert len(mail.outbox) == 1
    assert Award.objects.filter(pk__in=ids, notified_at__isnull=True).count() == 2
    assert email_awards(award_ids=ids) == 2  # the retry
    assert email_awards(award_ids=ids) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(lr.email for lr in sc.learners)


def test_learners_changed_runs_the_whole_pipeline(sc, django_capture_on_commit_callbacks):
    sc.rule.gradebook_column = True
    sc.rule.save()
    passing, failing = sc.learners
    sc.grade_all(passing, 0.8)
    sc.grade_all(failing, 0.3)
    with django_capture_on_commit_callbacks(execute=True):
        learners_changed.send(
            sender=None, course_id=sc.course.pk, learner_ids=[passing.pk, failing.pk]
        )
    award = Award.objects.get()
    assert award.learner == passing and award.state == Award.State.ISSUED
    assert len(mail.outbox) == 1
    # The course has no score scope: the post-back says so instead of failing forever.
    assert award.postback_state == Award.PostbackState.NOT_POSSIBLE


def test_a_held_award_cannot_be_confirmed_once_the_learner_no_longer_meets_it(sc):
    sc.rule.mode = AwardingRule.Mode.HOLD
    sc.rule.save()
    learner = sc.learners[0]
    sc.grade_all(learner, 1.0)
    evaluate_learners(rule=sc.rule, learner_ids=[learner.pk], trigger="test")
    sc.grade(learner, "browse", 1)
    evaluate_learners(rule=sc.rule, learner_ids=[learner.pk], trigger="test")
    award = Award.objects.get()
    with pytest.raises(AwardActionError, match="no longer meets"):
        confirm_award(award=award, actor="lti:1:teacher")
    award.refresh_from_db()
    assert award.state == Award.State.HELD and not Credential.objects.exists()


def test_a_batch_builds_each_achievement_once_and_gives_each_credential_its_own(monkeypatch):
    from awarding import credential_inputs
    from awarding.award_issuance import issue_awards

    courses = [build(), build()]
    award_ids = []
    for scenario in courses:
        for learner in scenario.add_learners(2):
            award_ids.append(_reserve(scenario, learner).pk)
    built = []
    real = credential_inputs.build_achievement

    def counting(**kwargs):
        built.append(kwargs["achievement"].pk)
        return real(**kwargs)

    monkeypatch.setattr(credential_inputs, "build_achievement", counting)
    report = issue_awards(award_ids=award_ids)

    assert sorted(report.issued) == sorted(award_ids)
    assert sorted(built) == sorted(scenario.achievement.pk for scenario in courses)
    for award in Award.objects.filter(pk__in=award_ids).select_related("credential"):
        document = json.loads(award.credential.document)
        achievement = document["credentialSubject"]["achievement"]
        assert achievement["id"].endswith(str(award.achievement.uuid))
        assert verify_credential(document).ok
