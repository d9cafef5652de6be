"""H1: a launch token stands in for the CSRF cookie only on the views served inside that
launch, and never next to a signed-in Django session. Tried from the attacker's side: a
cross-site form (no CSRF cookie, no CSRF token) carrying a learner's own launch token, sent
from a browser that also holds an administrator's session cookie."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from awarding.models import Award, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    """A browser as the attacker's page drives it: Django checks CSRF as in production."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def admin_session(browser):
    admin = User.objects.create_superuser("root", "root@example.org", "pw-Strong-123")
    browser.force_login(admin)
    return admin


def _award(world, learner):
    world.decide(learner, {"search": 9, "evaluate": 9})
    return world.award(learner)


@pytest.mark.parametrize("in_header", [False, True])
def test_learner_token_and_admin_session_cannot_add_a_user(
    world, browser, admin_session, in_header
):
    token = world.launch(world.learners[0]).token
    data = {"username": "planted", "password1": "Planted-pw-9876", "password2": "Planted-pw-9876"}
    headers = {"HTTP_X_LAUNCH_TOKEN": token} if in_header else {}
    if not in_header:
        data["lt"] = token
    response = browser.post("/admin/auth/user/add/", data, **headers)
    assert response.status_code == 403
    assert b"CSRF" in response.content
    assert not User.objects.filter(username="planted").exists()


def test_learner_token_and_admin_session_cannot_revoke_in_the_qa_console(
    world, browser, admin_session
):
    award = _award(world, world.learners[1])
    token = world.launch(world.learners[0]).token
    response = browser.post(
        f"/qa/awards/{award.uuid}/revoke", {"lt": token, "reason": "forged by a learner"}
    )
    assert response.status_code == 403 and b"CSRF" in response.content
    award.refresh_from_db()
    assert award.state == Award.State.ISSUED


def test_instructor_token_next_to_a_session_needs_the_csrf_cookie(world, browser, admin_session):
    """Even on an in-launch view: a request carrying a signed-in session gets Django's check."""
    award = _award(world, world.learners[1])
    token = world.launch(world.instructor, "instructor").token
    response = browser.post(
        f"/course/awards/{award.uuid}/revoke", {"lt": token, "reason": "forged"}
    )
    assert response.status_code == 403 and b"CSRF" in response.content
    award.refresh_from_db()
    assert award.state == Award.State.ISSUED


def test_admin_launch_token_on_a_qa_console_post_is_refused(world, browser):
    token = world.launch(world.instructor, "instructor", "administrator").token
    world.version.state = "submitted"
    world.version.save()
    response = browser.post(f"/qa/versions/{world.version.pk}/", {"lt": token, "action": "reject"})
    assert response.status_code == 403 and b"CSRF" in response.content
    world.version.refresh_from_db()
    assert world.version.state == "submitted"


def test_token_only_in_the_query_string_is_no_csrf_token(world, browser):
    token = world.launch(world.instructor, "instructor").token
    response = browser.post(f"/course/rules/{world.rule.pk}/mode?lt={token}", {"mode": "hold"})
    assert response.status_code == 403
    world.rule.refresh_from_db()
    assert world.rule.mode == "automatic"


def test_in_launch_posts_with_the_token_work_without_any_cookie(world, browser):
    teacher = world.launch(world.instructor, "instructor").token
    changed = browser.post(f"/course/rules/{world.rule.pk}/mode", {"lt": teacher, "mode": "hold"})
    assert changed.status_code == 302
    world.rule.refresh_from_db()
    assert world.rule.mode == "hold"

    ada = world.learners[0]
    award = _award(world, ada)
    Notification.objects.create(
        learner=ada, course=world.course, award=award, kind="awarded", message="hi"
    )
    learner = world.launch(ada).token
    dismissed = browser.post("/learner/notifications/read", {"lt": learner})
    assert dismissed.status_code == 302
    assert not Notification.objects.filter(learner=ada, read_at__isnull=True).exists()

    created = browser.post("/rubrics/", {"lt": teacher, "title": "New rubric"})
    assert created.status_code == 302 and "/rubrics/versions/" in created["Location"]
    assert not browser.cookies.get("sessionid")


def test_an_expired_launch_gives_no_csrf_exemption(world, browser):
    from django.core.cache import cache

    launch = world.launch(world.instructor, "instructor")
    cache.delete("launch-ctx:" + launch.launch_id)  # the launch is over server side
    response = browser.post(
        f"/course/rules/{world.rule.pk}/mode", {"lt": launch.token, "mode": "hold"}
    )
    assert response.status_code == 403
    world.rule.refresh_from_db()
    assert world.rule.mode == "automatic"


def test_a_cross_site_post_with_the_attackers_own_token_is_refused(world, browser):
    """The attacker's page posts the attacker's own (administrator) launch token from the
    victim's browser: no in-launch action, and no QA console session for the victim's browser."""
    attacker = world.launch(world.instructor, "instructor", "administrator").token
    evil = {"HTTP_ORIGIN": "https://evil.example"}
    started = browser.post("/qa/handoff/start", {"lt": attacker}, **evil)
    assert started.status_code == 403 and b'name="code"' not in started.content
    started = browser.post("/qa/handoff/start", {"lt": attacker})  # Origin withheld
    assert started.status_code == 403 and b'name="code"' not in started.content
    changed = browser.post(
        f"/course/rules/{world.rule.pk}/mode", {"lt": attacker, "mode": "hold"}, **evil
    )
    assert changed.status_code == 403
    world.rule.refresh_from_db()
    assert world.rule.mode == "automatic"
    # The tool's own page (same origin) still works without any cookie.
    own = {"HTTP_ORIGIN": "http://testserver"}
    ok = browser.post(
        f"/course/rules/{world.rule.pk}/mode", {"lt": attacker, "mode": "hold"}, **own
    )
    assert ok.status_code == 302


@pytest.mark.parametrize("bad", ["é" * 10, "x" * 600, "a:b:c", ""])
def test_bad_tokens_get_a_clear_refusal_never_a_500(world, browser, bad):
    for url in (f"/course/rules/{world.rule.pk}/mode", "/qa/handoff/start", "/learner/"):
        response = browser.post(url, {"lt": bad}, HTTP_ORIGIN="http://testserver")
        assert response.status_code in (403, 405), (url, response.status_code)
        response = browser.post(url, {"lt": "x"}, HTTP_X_LAUNCH_TOKEN=bad)
        assert response.status_code in (403, 405), (url, response.status_code)
