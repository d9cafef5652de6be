"""An LMS administrator reaches the QA console from a launch: a one-minute, single-use code
opens an ordinary console session (cookie + CSRF), for that administrator's platform only."""

import re

import pytest
from django.test import Client

from audit.models import AuditEvent
from awarding import qa_console_entry
from tests.pages.world import make_world

pytestmark = pytest.mark.django_db


def _start(browser, token, origin="http://testserver"):
    """The form of the tool's own page: the browser sends its Origin."""
    return browser.post("/qa/handoff/start", {"lt": token}, HTTP_ORIGIN=origin)


def _form_fields(html: str) -> dict:
    return dict(re.findall(r'name="(code|csrfmiddlewaretoken)" value="([^"]+)"', html))


def _hand_off(browser, token):
    """The new top-level window: the launch page's form, then the code posted back."""
    page = _start(browser, token)
    assert page.status_code == 200, page.content[:500]
    fields = _form_fields(page.content.decode())
    assert set(fields) == {"code", "csrfmiddlewaretoken"}
    return fields, browser.post("/qa/handoff/", fields)


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


def test_admin_launch_hands_off_to_a_console_session(world, browser):
    admin = world.launch(world.instructor, "instructor", "administrator")
    world.version.state = "submitted"
    world.version.save()
    fields, redeemed = _hand_off(browser, admin.token)
    assert redeemed.status_code == 302 and redeemed["Location"] == "/qa/"
    assert browser.cookies.get("sessionid")
    home = browser.get("/qa/")
    assert home.status_code == 200
    assert f"/qa/versions/{world.version.pk}/" in home.content.decode()
    assert "lt=" not in home.content.decode()
    # From now on ordinary session + CSRF: without the CSRF token the console refuses...
    assert (
        browser.post(f"/qa/versions/{world.version.pk}/", {"action": "reject"}).status_code == 403
    )
    # ...and with it, the administrator reviews (the author was someone else).
    review = browser.get(f"/qa/versions/{world.version.pk}/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', review).group(1)
    done = browser.post(
        f"/qa/versions/{world.version.pk}/",
        {"action": "reject", "comment": "too easy", "csrfmiddlewaretoken": csrf},
    )
    assert done.status_code == 302
    world.version.refresh_from_db()
    assert world.version.state == "rejected"
    assert world.version.reviewed_by == f"lti:{world.platform.pk}:{world.instructor.sub}"
    event = AuditEvent.objects.get(action="qa_console.handoff")
    assert event.platform_id == world.platform.pk
    assert event.actor == f"lti:{world.platform.pk}:{world.instructor.sub}"
    # The award pages of the console too.
    assert browser.get("/qa/awards/").status_code == 200


def test_a_handoff_code_works_once(world, browser):
    admin = world.launch(world.instructor, "administrator")
    fields, first = _hand_off(browser, admin.token)
    assert first.status_code == 302
    other = Client(enforce_csrf_checks=True)
    other.get("/qa/login/")  # a CSRF cookie of its own
    csrf = other.cookies["csrftoken"].value
    replay = other.post("/qa/handoff/", {"code": fields["code"], "csrfmiddlewaretoken": csrf})
    assert replay.status_code == 403 and b"already used" in replay.content
    assert other.get("/qa/").status_code == 302  # still not signed in


def test_a_forged_or_altered_code_is_refused(world, browser):
    from django.core import signing

    admin = world.launch(world.instructor, "administrator")
    fields = _form_fields(_start(browser, admin.token).content.decode())
    forged = signing.dumps({"n": "x", "p": world.platform.pk, "s": "root", "m": ""}, salt="nope")
    for code in (forged, fields["code"][:-2] + "xx", ""):
        response = browser.post(
            "/qa/handoff/", {"code": code, "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"]}
        )
        assert response.status_code == 403


@pytest.mark.parametrize("roles", [("learner",), ("instructor",), ("teaching_assistant",)])
def test_learners_and_instructors_get_no_handoff(world, browser, roles):
    token = world.launch(world.instructor, *roles).token
    response = _start(browser, token)
    assert response.status_code == 403
    assert b'name="code"' not in response.content


def test_the_handoff_start_needs_the_token_in_the_body(world, browser):
    admin = world.launch(world.instructor, "administrator")
    query_only = browser.post(
        f"/qa/handoff/start?lt={admin.token}", HTTP_ORIGIN="http://testserver"
    )
    assert query_only.status_code == 403
    assert _start(browser, admin.token, origin="https://evil.example").status_code == 403
    no_origin = browser.post("/qa/handoff/start", {"lt": admin.token})
    assert no_origin.status_code == 403
    assert browser.get("/qa/handoff/start", {"lt": admin.token}).status_code == 405


def test_a_handoff_for_platform_a_gives_nothing_of_platform_b(world, browser):
    theirs = make_world(learner_names=("Zed Theirs",), achievement_name="Their Badge")
    theirs.decide(theirs.learners[0], {"search": 10, "evaluate": 10})
    world.decide(world.learners[0], {"search": 9, "evaluate": 9})
    admin = world.launch(world.instructor, "administrator")
    _fields, redeemed = _hand_off(browser, admin.token)
    assert redeemed.status_code == 302
    assert browser.get(f"/qa/versions/{theirs.version.pk}/").status_code == 404
    assert browser.get(f"/qa/versions/{world.version.pk}/").status_code == 200
    decisions = browser.get("/qa/awards/").content.decode()
    assert "Ada Lovelace" in decisions and "Zed Theirs" not in decisions
    theirs_decision = theirs.decisions[theirs.learners[0].pk]
    assert browser.get(f"/qa/awards/decisions/{theirs_decision.pk}").status_code == 404


def test_an_author_cannot_review_their_own_version_after_the_handoff(world, browser):
    """Four eyes across the two ways in: the editor's author id is the handoff's actor id."""
    sub = world.instructor.sub
    world.version.author = f"lti:{world.platform.pk}:{sub}"
    world.version.state = "submitted"
    world.version.save()
    admin = world.launch(world.instructor, "instructor", "administrator")
    _hand_off(browser, admin.token)
    review = browser.get(f"/qa/versions/{world.version.pk}/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', review).group(1)
    refused = browser.post(
        f"/qa/versions/{world.version.pk}/", {"action": "approve", "csrfmiddlewaretoken": csrf}
    )
    assert refused.status_code == 403
    world.version.refresh_from_db()
    assert world.version.state == "submitted"


def test_operator_mapped_role_may_hand_off(world, browser, settings):
    from lti_tool.roles import map_roles

    role = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Staff"
    assert "administrator" not in map_roles([role])
    settings.LTI_QA_ROLES = [role]
    assert "administrator" in map_roles([role])


def test_dashboard_offers_the_console_to_administrators_only(world):
    client = Client()
    admin = world.launch(world.instructor, "instructor", "administrator").token
    teacher = world.launch(world.instructor, "instructor").token
    page = client.get("/course/", {"lt": admin}).content.decode()
    assert 'action="/qa/handoff/start"' in page and 'target="_blank"' in page
    assert "/qa/handoff/start" not in client.get("/course/", {"lt": teacher}).content.decode()


def test_without_a_registered_console_the_dashboard_offers_none(world, monkeypatch):
    """awarding names no console URL itself: the button exists only through the registration
    qa_console makes in its AppConfig.ready()."""
    monkeypatch.setattr(qa_console_entry, "_handoff_url_name", None)
    admin = world.launch(world.instructor, "instructor", "administrator").token
    page = Client().get("/course/", {"lt": admin})
    assert page.status_code == 200
    assert "Open QA console" not in page.content.decode()


def test_a_code_older_than_a_minute_is_refused(world, browser, monkeypatch):
    import time

    admin = world.launch(world.instructor, "administrator")
    fields = _form_fields(_start(browser, admin.token).content.decode())
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 61)
    late = browser.post("/qa/handoff/", fields)
    assert late.status_code == 403 and b"expired" in late.content


def test_a_second_handoff_replaces_an_existing_console_session(world, browser):
    """The window may already hold a console session (an earlier handoff, a QA login): the
    button still works, and the new session is the launch's administrator's."""
    from django.contrib.auth.models import User

    browser.force_login(User.objects.create_superuser("root", "r@example.org", "pw-Strong-123"))
    admin = world.launch(world.instructor, "administrator")
    _fields, redeemed = _hand_off(browser, admin.token)
    assert redeemed.status_code == 302
    user = User.objects.get(pk=browser.session["_auth_user_id"])
    assert user.username.startswith(f"lms-{world.platform.pk}-") and not user.is_superuser


def test_a_revocation_from_a_handoff_session_names_the_lms_administrator(world, browser):
    from awarding.models import Award

    world.decide(world.learners[0], {"search": 9, "evaluate": 9})
    award = world.award(world.learners[0])
    admin = world.launch(world.instructor, "administrator")
    _hand_off(browser, admin.token)
    page = browser.get(f"/qa/awards/decisions/{world.decisions[world.learners[0].pk].pk}")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    done = browser.post(
        f"/qa/awards/{award.uuid}/revoke",
        {"reason": "Plagiarism confirmed", "csrfmiddlewaretoken": csrf},
    )
    assert done.status_code == 302
    award.refresh_from_db()
    assert award.state == Award.State.REVOKED
    assert award.revoked_by == f"lti:{world.platform.pk}:{world.instructor.sub}"
