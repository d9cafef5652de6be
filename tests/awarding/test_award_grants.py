"""Awards outside the grade path (ADR 0064): granted by review or through a pathway, reserved
and audited in one transaction, signed by the same task as grade awards, their evidence signed
into the credential, and nothing written when the grant is refused."""

import json

import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from awarding.award_grants import AlreadyHeld, GrantError, grant_award
from awarding.models import Achievement, Award
from awarding.revoke import revoke_award
from awarding.signals import award_revoked, awards_issued
from credentials.local_verification import verify_credential
from tests.fault_injection import InjectedFault

from .factories import make_achievement, make_course, make_learner

pytestmark = pytest.mark.django_db

PORTFOLIO = {
    "id": "https://portfolio.example.edu/ada/project",
    "name": "Portfolio: the archive project",
    "narrative": "Three years of managing the city archive's digital collections.",
    "genre": "Recognition of prior learning",
}


@pytest.fixture
def course():
    return make_course()


@pytest.fixture
def learner(course):
    return make_learner(platform=course.platform, name="Ada Example")


def _grant_review(course, learner, achievement=None, **extra):
    return grant_award(
        basis=Award.Basis.REVIEW,
        learner=learner,
        achievement=achievement or make_achievement(course=course),
        course=course,
        evidence_items=[PORTFOLIO],
        actor="qa:7",
        reason="Prior learning reviewed against the criteria.",
        reviewed_by="Quinn QA",
        **extra,
    )


def _document(award: Award) -> dict:
    award.refresh_from_db()
    assert award.state == Award.State.ISSUED, award.issue_error
    return json.loads(award.credential.document)


def test_a_review_award_is_signed_with_its_evidence_and_no_rubric_results(
    course, learner, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_BASE_URL = "https://tool.example.edu"
    with django_capture_on_commit_callbacks(execute=True):
        award = _grant_review(course, learner)
    document = _document(award)
    assert verify_credential(document).ok
    evidence = document["evidence"]
    assert evidence[0]["id"] == PORTFOLIO["id"]
    assert evidence[0]["genre"] == "Recognition of prior learning"
    assert evidence[0]["narrative"] == PORTFOLIO["narrative"]
    assert evidence[-1]["id"] == f"https://tool.example.edu/evidence/{award.uuid}"
    assert "result" not in document["credentialSubject"]
    event = AuditEvent.objects.get(action="award.granted", object_id=str(award.uuid))
    assert event.after["basis"] == "review" and event.after["evidence"] == [PORTFOLIO["id"]]
    # A non-grade award has no credential column to post to.
    assert award.postback_state == Award.PostbackState.OFF


def test_the_evidence_page_of_a_review_award_lists_what_it_rests_on(
    course, learner, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        award = _grant_review(course, learner)
    page = client.get(f"/evidence/{award.uuid}")
    assert page.status_code == 200
    body = page.content.decode()
    assert PORTFOLIO["name"] in body and PORTFOLIO["id"] in body
    assert "Awarded by review" in body
    assert "scores-caption" not in body


def test_a_pathway_award_without_a_course_stacks_issued_components(
    course, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        part = _grant_review(course, learner)
    part.refresh_from_db()
    stacked = Achievement.objects.create(
        platform=course.platform,
        name="Digital Skills Certificate",
        description="Stacks the course credentials.",
        criteria_narrative="Hold the component credentials.",
    )
    seen = []

    def on_issued(sender, award_ids, **kwargs):
        seen.extend(award_ids)

    awards_issued.connect(on_issued)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            award = grant_award(
                basis=Award.Basis.PATHWAY,
                learner=learner,
                achievement=stacked,
                components=[part],
                evidence_items=[
                    {"id": f"https://tool.example.edu/credentials/{part.uuid}", "name": "Part"}
                ],
                actor="system:pathways",
                reason="Every component is held.",
            )
    finally:
        awards_issued.disconnect(on_issued)
    document = _document(award)
    assert verify_credential(document).ok
    assert award.course is None and list(award.components.all()) == [part]
    assert list(part.stacked_into.all()) == [award]
    assert document["evidence"][0]["name"] == "Part"
    assert seen == [award.pk]


def test_revoking_tells_the_apps_above_after_commit(
    course, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        award = _grant_review(course, learner)
    seen = []

    def on_revoked(sender, award_id, **kwargs):
        seen.append(award_id)

    award_revoked.connect(on_revoked)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            revoke_award(award=award, reason="Granted in error.", actor="qa:7")
        assert seen == []  # not before the revocation has committed
        for callback in callbacks:
            callback()
    finally:
        award_revoked.disconnect(on_revoked)
    assert seen == [award.pk]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"basis": Award.Basis.GRADE}, "not granted"),
        ({"reason": "  "}, "needs a reason"),
        ({"course": None}, "made in a course"),
        ({"evidence_items": [{"id": "javascript:alert(1)", "name": "x"}]}, "http(s)"),
        ({"evidence_items": [{"id": "https://example.edu/x", "name": ""}]}, "needs a name"),
        ({"basis": Award.Basis.PATHWAY, "course": None}, "needs the awards it stacks"),
    ],
)
def test_a_refused_grant_writes_nothing(course, learner, change, message):
    arguments = {
        "basis": Award.Basis.REVIEW,
        "learner": learner,
        "achievement": make_achievement(course=course),
        "course": course,
        "evidence_items": [PORTFOLIO],
        "actor": "qa:7",
        "reason": "Reviewed.",
        **change,
    }
    with pytest.raises(GrantError, match=message.replace("(", r"\(").replace(")", r"\)")):
        grant_award(**arguments)
    assert not Award.objects.exists() and not AuditEvent.objects.exists()


def test_a_learner_of_another_platform_is_refused(course):
    stranger = make_learner(platform=make_course().platform)
    with pytest.raises(GrantError, match="not on this course's platform"):
        _grant_review(course, stranger)
    assert not Award.objects.exists()


def test_a_second_live_award_of_the_same_achievement_is_refused(course, learner):
    first = _grant_review(course, learner)
    with pytest.raises(AlreadyHeld, match="already holds"):
        _grant_review(course, learner, achievement=first.achievement)
    assert Award.objects.count() == 1


def test_a_failing_audit_write_leaves_no_award(course, learner, monkeypatch):
    def broken(*args, **kwargs):
        raise InjectedFault("audit log unavailable")

    monkeypatch.setattr("awarding.award_grants.record_events", broken)
    with pytest.raises(InjectedFault):
        _grant_review(course, learner)
    assert not Award.objects.exists()


def test_the_database_refuses_a_grade_award_without_its_decision(course, learner):
    achievement = make_achievement(course=course)
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(
            basis=Award.Basis.GRADE, course=course, achievement=achievement, learner=learner
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(basis=Award.Basis.REVIEW, achievement=achievement, learner=learner)
