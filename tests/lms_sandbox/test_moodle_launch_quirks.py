"""The sandbox's Moodle flavour launches as Moodle 4.5.6 does (mod/lti/locallib.php
lti_build_login_request, mod/lti/auth.php): the hint's own form, a hint spent by its first
auth request (a replay gets Moodle's "Invalid request" page), and a tool that teachers can
place only once the admin set "Show in activity chooser". Over real HTTP."""

from __future__ import annotations

import json
import re

import lxml.html
import pytest

from lms_sandbox.browserless import follow_launch, form_fields
from lms_sandbox.models import PendingLaunch, SandboxPlatform
from lms_sandbox.seed import add_activity, connect_tool, course_users, launch_url, seed_course

from .conftest import auth_params

pytestmark = pytest.mark.django_db(transaction=True)


def _login_form(http, url):
    page = http.get(url)
    assert page.status_code == 200, page.text
    form = lxml.html.fromstring(page.content).forms[0]
    return form.get("action"), dict(form_fields(form))


def _is_invalid_request(response) -> bool:
    doc = lxml.html.fromstring(response.content)
    box = doc.xpath('//*[@data-rel="fatalerror"]//p[@class="errormessage"]')
    return (
        response.status_code == 404
        and "text/html" in response.headers["Content-Type"]
        and [b.text_content().strip() for b in box] == ["Invalid request"]
        and not doc.forms
    )


def test_message_hint_has_moodles_form(moodle_course, http):
    sp = moodle_course.platform
    link = moodle_course.resource_links.get()
    learner = course_users(moodle_course, "learner")[0]
    _, login = _login_form(http, launch_url(course=moodle_course, user=learner, resource_link=link))
    hint = json.loads(login["lti_message_hint"])
    assert list(hint) == ["cmid", "launchid"]
    assert hint["cmid"] == int(link.link_id)
    assert re.fullmatch(rf"ltilaunch{link.link_id}_\d+", hint["launchid"])
    assert 0 <= int(hint["launchid"].split("_")[1]) < 2**31  # PHP rand()

    teacher = course_users(moodle_course, "instructor")[0]
    _, login = _login_form(
        http, launch_url(course=moodle_course, user=teacher, role="instructor", deep_link=True)
    )
    hint = json.loads(login["lti_message_hint"])
    assert list(hint) == ["launchid"]
    assert re.fullmatch(r"ltilaunch_ContentItemSelectionRequest\d+", hint["launchid"])
    assert sp.flavour == "moodle"


def test_replayed_hint_gets_invalid_request(moodle_course, http):
    sp = moodle_course.platform
    learner = course_users(moodle_course, "learner")[0]
    _, login = _login_form(http, launch_url(course=moodle_course, user=learner))
    first = http.post(f"{sp.root}/mod/lti/auth.php", data=auth_params(sp, login))
    assert "id_token" in dict(form_fields(lxml.html.fromstring(first.content).forms[0]))
    # The same login again (say, from a new window after the iframe used it).
    again = http.post(f"{sp.root}/mod/lti/auth.php", data=auth_params(sp, login, state="st-2"))
    assert _is_invalid_request(again), again.text
    assert "id_token" not in again.text


def test_replayed_login_through_the_tool_gets_invalid_request(moodle_course, http):
    """The whole replay: the same login initiation posted to the tool twice."""
    learner = course_users(moodle_course, "learner")[0]
    action, login = _login_form(http, launch_url(course=moodle_course, user=learner))

    def through_the_tool():
        auth_form = lxml.html.fromstring(http.post(action, data=login).content).forms[0]
        return http.get(auth_form.get("action"), params=dict(form_fields(auth_form)))

    first = through_the_tool()
    assert "id_token" in dict(form_fields(lxml.html.fromstring(first.content).forms[0]))
    replay = through_the_tool()
    assert _is_invalid_request(replay), replay.text


def test_a_failed_check_still_spends_the_hint(moodle_course, http):
    # auth.php unsets $SESSION->$launchid before it compares login_hint with $USER->id.
    sp = moodle_course.platform
    learner = course_users(moodle_course, "learner")[0]
    _, login = _login_form(http, launch_url(course=moodle_course, user=learner))
    wrong = http.post(f"{sp.root}/mod/lti/auth.php", data=auth_params(sp, login, login_hint="999"))
    fields = dict(form_fields(lxml.html.fromstring(wrong.content).forms[0]))
    assert fields["error"] == "access_denied"
    right = http.post(f"{sp.root}/mod/lti/auth.php", data=auth_params(sp, login))
    assert _is_invalid_request(right), right.text


def test_moodle_id_token_lives_sixty_seconds(moodle_course, http):
    learner = course_users(moodle_course, "learner")[0]
    r = follow_launch(http, launch_url(course=moodle_course, user=learner))
    claims = r.json()["claims"]
    assert claims["exp"] == claims["iat"] + 60


@pytest.fixture
def unlisted(live_server, settings):
    """A Moodle whose admin registered the tool and left Moodle's default usage."""
    from .conftest import _point_at_double

    settings.ROOT_URLCONF = "tests.lms_sandbox.tool_double"
    sp, _ = connect_tool(
        flavour="moodle", tool_base_url=live_server.url, slug="unlisted", activity_chooser=False
    )
    return _point_at_double(sp, live_server.url)


def test_tool_is_placed_only_from_the_activity_chooser(unlisted, http):
    sp = unlisted
    assert sp.coursevisible == SandboxPlatform.CourseVisible.PRECONFIGURED
    course = seed_course(platform=sp, title="No chooser", learners=1, activity=False)
    teacher = course_users(course, "instructor")[0]
    # Teachers find no tool under "Add an activity or resource" ...
    page = http.get(f"{sp.root}/course/{course.pk}/")
    assert 'id="activity-chooser-empty"' in page.text and 'id="activity-chooser"' not in page.text
    # ... cannot add it as an activity (Deep Linking) nor place a link.
    r = http.get(launch_url(course=course, user=teacher, role="instructor", deep_link=True))
    assert r.status_code == 400 and "activity chooser" in r.text
    assert not PendingLaunch.objects.filter(platform=sp).exists()
    with pytest.raises(ValueError, match="activity chooser"):
        add_activity(course=course, title="Credential activity")
    # The admin page shows the setting; the admin changes it.
    admin_page = http.get(f"{sp.root}/")
    assert "Show as preconfigured tool when adding an external tool" in admin_page.text
    csrf = http.cookies.get("csrftoken") or ""
    doc = lxml.html.fromstring(admin_page.content)
    token = doc.xpath(
        '//form[contains(@action, "/tool-usage")]//input[@name="csrfmiddlewaretoken"]'
    )
    r = http.post(
        f"{sp.root}/tool-usage",
        data={"coursevisible": "2", "csrfmiddlewaretoken": token[0].get("value")},
        headers={"Referer": f"{sp.root}/", "X-CSRFToken": csrf},
    )
    assert r.status_code == 200, r.text
    sp.refresh_from_db()
    assert sp.coursevisible == SandboxPlatform.CourseVisible.ACTIVITY_CHOOSER
    page = http.get(f"{sp.root}/course/{course.pk}/")
    assert 'id="activity-chooser"' in page.text
    r = follow_launch(
        http, launch_url(course=course, user=teacher, role="instructor", deep_link=True)
    )
    assert r.status_code == 200, r.text
    assert r.json()["claims"]["https://purl.imsglobal.org/spec/lti/claim/message_type"] == (
        "LtiDeepLinkingRequest"
    )
    add_activity(course=course, title="Credential activity")
