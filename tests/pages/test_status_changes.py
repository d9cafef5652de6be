"""Revoking and suspending as trusted issuers do it, from the users' side: an instructor asks,
QA (or, where allowed, another instructor) confirms, the learner is told with the private
reason, and the public sees a reason category only. The requester never confirms."""

import json

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from awarding.models import Award, InstitutionSetting, Notification, StatusChange
from credentials.models import Credential
from credentials.status_lists import bit_is_set, decode_bitstring
from qa_console.handoff import SESSION_KEY
from rubrics.models import QA_GROUP, QAScope
from rubrics.qa_scopes import admit_lms_administrator

from .world import issue, make_world

pytestmark = pytest.mark.django_db

PRIVATE = "Your essay repeats a classmate's submission word for word"


@pytest.fixture
def qa_client(client, world):
    user = User.objects.create_user("qa-quinn", password="pw-Strong-123", first_name="Quinn")
    user.groups.add(Group.objects.get_or_create(name=QA_GROUP)[0])
    QAScope.objects.create(user=user, platform=world.platform)
    client.force_login(user)
    return client


def _issued(world):
    ada = world.learners[0]
    ada.email = "ada@example.org"
    ada.save()
    return ada, issue(world, ada)


def _ask(client, world, award, action="revoke", **data):
    launch = world.launch(world.instructor, "instructor")
    body = {"lt": launch.token, "private_reason": PRIVATE, "public_category": "misconduct"}
    return client.post(f"/course/awards/{award.uuid}/{action}", {**body, **data})


def _allow_colleagues(world):
    InstitutionSetting.objects.update_or_create(
        platform=world.platform,
        defaults={"status_change_confirmers": InstitutionSetting.Confirmers.QA_OR_COLLEAGUE},
    )


def _status_bits(client, credential, purpose=""):
    url = credential.data["credentialStatus"]["statusListCredential"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    doc = client.get(f"/{path}{purpose}").json()
    assert doc["credentialSubject"]["statusPurpose"] == (purpose.strip("/") or "revocation")
    bits = decode_bitstring(doc["credentialSubject"]["encodedList"])
    return bit_is_set(bits, credential.status_index), json.dumps(doc)


def test_an_instructor_asks_qa_confirms_the_public_sees_the_category_and_the_learner_is_told(
    client, world, django_capture_on_commit_callbacks
):
    ada, award = _issued(world)
    launch = world.launch(world.instructor, "instructor")
    page = client.get(f"/course/awards/{award.uuid}/revoke", {"lt": launch.token})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reason for the learner" in html and "Reason the public page shows" in html
    assert "Academic misconduct finding" in html  # the fixed list to choose from

    response = _ask(client, world, award)
    assert response.status_code == 302
    change = StatusChange.objects.get(award=award)
    assert response["Location"].startswith(f"/course/status-changes/{change.uuid}?lt=")
    # Asked is not done: the credential is still valid everywhere.
    assert Credential.objects.get(pk=award.uuid).status == Credential.Status.ACTIVE
    assert client.get(f"/credentials/{award.uuid}.json").status_code == 200
    assert "Verified" in client.get(f"/credentials/{award.uuid}").content.decode()
    mine = client.get(response["Location"]).content.decode()
    assert "Withdraw my request" in mine and "Waiting for confirmation" in mine

    # QA sees the request in the console and confirms it.
    user = User.objects.create_user("qa-quinn", password="pw-Strong-123")
    user.groups.add(Group.objects.get_or_create(name=QA_GROUP)[0])
    QAScope.objects.create(user=user, platform=world.platform)
    client.force_login(user)
    listing = client.get("/qa/awards/status-changes").content.decode()
    assert "Ada Lovelace" in listing and f"/qa/awards/status-changes/{change.uuid}" in listing
    detail = client.get(f"/qa/awards/status-changes/{change.uuid}").content.decode()
    assert PRIVATE.replace("'", "&#x27;") in detail and "Tess Teacher" in detail
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/qa/awards/status-changes/{change.uuid}/confirm")
    assert done.status_code == 302
    client.logout()

    change.refresh_from_db()
    award.refresh_from_db()
    credential = Credential.objects.get(pk=award.uuid)
    assert change.state == StatusChange.State.CONFIRMED and change.decided_by == f"user:{user.pk}"
    assert award.state == Award.State.REVOKED and award.revoked_reason == PRIVATE
    assert credential.status == "revoked" and credential.status_category == "misconduct"
    assert AuditEvent.objects.filter(action="status_change.requested").count() == 1
    assert AuditEvent.objects.filter(action="status_change.confirmed").count() == 1

    # The public page and JSON: revoked, with the category only, never the private reason.
    public = client.get(f"/credentials/{award.uuid}").content.decode()
    assert "Revoked" in public and "Academic misconduct finding" in public
    for body in (
        public,
        client.get(f"/credentials/{award.uuid}.json").content.decode(),
        client.get(f"/evidence/{award.uuid}").content.decode(),
        _status_bits(client, credential)[1],
    ):
        assert "classmate" not in body
    assert _status_bits(client, credential)[0] is True

    # The learner: their page, their notification, their e-mail, with the private reason.
    home = client.get("/learner/", {"lt": world.launch(ada).token}).content.decode()
    assert "Revoked on" in home and "because Your essay repeats a classmate" in home
    assert "You earned" not in home
    note = Notification.objects.get(award=award, kind=Notification.Kind.REVOKED)
    assert "classmate" in note.message and note.status_change == change
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"] and "classmate" in mail.outbox[0].body
    assert "revoked" in mail.outbox[0].subject


def test_the_old_one_person_revocation_is_gone(client, world):
    """Old code: an instructor's POST revoked at once, and the public page showed the reason."""
    _ada, award = _issued(world)
    launch = world.launch(world.instructor, "instructor")
    client.post(f"/course/awards/{award.uuid}/revoke", {"lt": launch.token, "reason": PRIVATE})
    client.post(
        f"/course/awards/{award.uuid}/revoke",
        {"lt": launch.token, "private_reason": PRIVATE, "public_category": "other"},
    )
    award.refresh_from_db()
    assert award.state == Award.State.ISSUED
    assert Credential.objects.get(pk=award.uuid).status == Credential.Status.ACTIVE


def test_the_requester_cannot_confirm_their_own_request_even_by_forging_the_post(client, world):
    _ada, award = _issued(world)
    _ask(client, world, award)
    change = StatusChange.objects.get()
    _allow_colleagues(world)
    launch = world.launch(world.instructor, "instructor")
    page = client.get(f"/course/status-changes/{change.uuid}", {"lt": launch.token})
    assert b"/confirm" not in page.content  # no button for the requester...
    # ...and a forged POST inside the LMS is refused.
    client.post(f"/course/status-changes/{change.uuid}/confirm", {"lt": launch.token})
    # The same person as an LMS administrator in the QA console (handoff session): refused.
    user, _new = admit_lms_administrator(
        platform_id=world.platform.pk, sub=world.instructor.sub, name="Tess Teacher"
    )
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = {
        "platform_id": world.platform.pk,
        "sub": world.instructor.sub,
        "name": "Tess Teacher",
    }
    session.save()
    console = client.get(f"/qa/awards/status-changes/{change.uuid}").content.decode()
    assert "You asked for this change" in console and "/confirm" not in console
    refused = client.post(f"/qa/awards/status-changes/{change.uuid}/confirm", follow=True)
    assert "another person must confirm or decline it" in refused.content.decode()
    client.post(f"/qa/awards/status-changes/{change.uuid}/decline")
    change.refresh_from_db()
    award.refresh_from_db()
    assert change.state == StatusChange.State.REQUESTED and award.state == Award.State.ISSUED
    assert Credential.objects.get(pk=award.uuid).status == Credential.Status.ACTIVE
    # The database refuses it too, whatever the code above it does.
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusChange.objects.filter(pk=change.pk).update(
            state="confirmed", decided_by=change.requested_by
        )


def test_a_learner_launch_can_neither_ask_nor_confirm(client, world):
    ada, award = _issued(world)
    _ask(client, world, award)
    change = StatusChange.objects.get()
    _allow_colleagues(world)
    token = world.launch(ada).token
    body = {"lt": token, "private_reason": "I want it gone now", "public_category": "other"}
    assert client.post(f"/course/awards/{award.uuid}/suspend", body).status_code == 403
    for step in ("confirm", "decline", "withdraw"):
        response = client.post(f"/course/status-changes/{change.uuid}/{step}", {"lt": token})
        assert response.status_code == 403
    # Not a QA console session either.
    assert client.post(f"/qa/awards/status-changes/{change.uuid}/confirm", {"lt": token})[
        "Location"
    ].startswith("/qa/login/")
    change.refresh_from_db()
    assert change.state == StatusChange.State.REQUESTED
    assert StatusChange.objects.count() == 1


def test_another_instructor_may_confirm_only_where_the_institution_allows_it(
    client, world, django_capture_on_commit_callbacks
):
    _ada, award = _issued(world)
    _ask(client, world, award, action="suspend", public_category="result_changed")
    change = StatusChange.objects.get()
    colleague = world.instructor.__class__.objects.create(
        platform=world.platform, sub="teacher-two", name="Colin Colleague"
    )
    token = world.launch(colleague, "instructor").token
    page = client.get(f"/course/status-changes/{change.uuid}", {"lt": token}).content.decode()
    assert "/confirm" not in page  # QA only, by default
    client.post(f"/course/status-changes/{change.uuid}/confirm", {"lt": token})
    change.refresh_from_db()
    assert change.state == StatusChange.State.REQUESTED

    _allow_colleagues(world)
    page = client.get(f"/course/status-changes/{change.uuid}", {"lt": token}).content.decode()
    assert "/confirm" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/course/status-changes/{change.uuid}/confirm", {"lt": token})
    change.refresh_from_db()
    assert change.state == StatusChange.State.CONFIRMED
    assert change.decided_by == f"lti:{world.platform.pk}:teacher-two"
    assert Credential.objects.get(pk=award.uuid).status == Credential.Status.SUSPENDED
    # A second confirmation of the same request changes nothing more.
    client.post(f"/course/status-changes/{change.uuid}/confirm", {"lt": token})
    assert AuditEvent.objects.filter(action="credential.suspended").count() == 1


def test_suspension_and_reinstatement_reach_the_status_list_the_page_and_the_learner(
    qa_client, world, django_capture_on_commit_callbacks
):
    ada, award = _issued(world)
    credential = Credential.objects.get(pk=award.uuid)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(qa_client, world, award, action="suspend", public_category="result_changed")
        change = StatusChange.objects.get()
        qa_client.post(f"/qa/awards/status-changes/{change.uuid}/confirm")
    assert _status_bits(qa_client, credential, "/suspension")[0] is True
    assert _status_bits(qa_client, credential)[0] is False  # not revoked
    public = qa_client.get(f"/credentials/{award.uuid}").content.decode()
    assert "Suspended" in public and "Assessment result changed" in public
    assert "classmate" not in public
    home = qa_client.get("/learner/", {"lt": world.launch(ada).token}).content.decode()
    assert "Suspended on" in home and "because Your essay repeats" in home
    assert "You earned this credential" not in home
    assert "suspended" in mail.outbox[-1].subject

    # Reinstating is asked for and confirmed the same way; the bit is cleared.
    launch = world.launch(world.instructor, "instructor")
    dashboard = qa_client.get("/course/", {"lt": launch.token}).content.decode()
    assert f"/course/awards/{award.uuid}/reinstate" in dashboard
    with django_capture_on_commit_callbacks(execute=True):
        qa_client.post(
            f"/course/awards/{award.uuid}/reinstate",
            {"lt": launch.token, "private_reason": "The grade was corrected back"},
        )
        again = StatusChange.objects.get(state="requested")
        assert again.action == "reinstate" and again.public_category == ""
        qa_client.post(f"/qa/awards/status-changes/{again.uuid}/confirm")
    assert _status_bits(qa_client, credential, "/suspension")[0] is False
    assert "Verified" in qa_client.get(f"/credentials/{award.uuid}").content.decode()
    home = qa_client.get("/learner/", {"lt": world.launch(ada).token}).content.decode()
    assert "You earned this credential" in home and "reinstated" in home
    kinds = list(Notification.objects.filter(award=award).values_list("kind", flat=True))
    assert sorted(kinds) == ["awarded", "reinstated", "suspended"]
    assert [m.subject.split()[-1] for m in mail.outbox[-2:]] == ["suspended", "reinstated"]


def test_a_request_can_be_withdrawn_by_its_requester_only_and_declined_by_qa(client, world):
    _ada, award = _issued(world)
    _ask(client, world, award)
    first = StatusChange.objects.get()
    colleague = world.instructor.__class__.objects.create(
        platform=world.platform, sub="teacher-two", name="Colin Colleague"
    )
    other = world.launch(colleague, "instructor").token
    client.post(f"/course/status-changes/{first.uuid}/withdraw", {"lt": other})
    first.refresh_from_db()
    assert first.state == StatusChange.State.REQUESTED
    # One open request per credential.
    _ask(client, world, award, action="suspend")
    assert StatusChange.objects.count() == 1
    mine = world.launch(world.instructor, "instructor").token
    client.post(f"/course/status-changes/{first.uuid}/withdraw", {"lt": mine})
    first.refresh_from_db()
    assert first.state == StatusChange.State.WITHDRAWN

    _ask(client, world, award)
    second = StatusChange.objects.get(state="requested")
    user = User.objects.create_user("qa-quinn", password="pw-Strong-123")
    user.groups.add(Group.objects.get_or_create(name=QA_GROUP)[0])
    QAScope.objects.create(user=user, platform=world.platform)
    client.force_login(user)
    client.post(f"/qa/awards/status-changes/{second.uuid}/decline", {"note": "Not proven"})
    second.refresh_from_db()
    award.refresh_from_db()
    assert second.state == StatusChange.State.DECLINED and second.decision_note == "Not proven"
    assert (
        award.state == Award.State.ISSUED
        and not Notification.objects.filter(kind="revoked").exists()
    )
    # A QA user of another institution sees none of it.
    theirs = make_world()
    outsider = User.objects.create_user("qa-other", password="pw-Strong-123")
    outsider.groups.add(Group.objects.get_or_create(name=QA_GROUP)[0])
    QAScope.objects.create(user=outsider, platform=theirs.platform)
    client.force_login(outsider)
    assert client.get(f"/qa/awards/status-changes/{second.uuid}").status_code == 404
    assert "Ada Lovelace" not in client.get("/qa/awards/status-changes").content.decode()
