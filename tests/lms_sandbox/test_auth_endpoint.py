"""The OIDC auth endpoint's refusals (the redirect_uri, client_id, login_hint and
lti_message_hint checks), over real HTTP."""

from __future__ import annotations

import lxml.html
import pytest

from lms_sandbox.browserless import form_fields
from lms_sandbox.seed import course_users, launch_url

from .conftest import auth_params

pytestmark = pytest.mark.django_db(transaction=True)


def _login_fields(http, course, role="learner"):
    user = course_users(course, role)[0]
    page = http.get(launch_url(course=course, user=user, role=role))
    form = lxml.html.fromstring(page.content).forms[0]
    return dict(form_fields(form)), form.get("method")


def _posted_form(response):
    form = lxml.html.fromstring(response.content).forms[0]
    return form.get("action"), dict(form_fields(form))


@pytest.fixture(params=["moodle", "canvas"])
def flavoured(request, moodle_course, canvas_course):
    return moodle_course if request.param == "moodle" else canvas_course


def _auth_url(course):
    sp = course.platform
    return (
        f"{sp.root}/mod/lti/auth.php" if sp.flavour == "moodle" else f"{sp.root}/api/lti/authorize"
    )


def test_login_initiation_is_a_post_with_the_flavour_fields(moodle_course, canvas_course, http):
    login, method = _login_fields(http, moodle_course)
    assert method == "post"
    assert set(login) == {
        "iss",
        "target_link_uri",
        "login_hint",
        "lti_message_hint",
        "client_id",
        "lti_deployment_id",
    }
    login, method = _login_fields(http, canvas_course)
    assert {
        "lti_deployment_id",
        "canvas_environment",
        "canvas_region",
        "lti_storage_target",
    } <= set(login)
    assert len(login["login_hint"]) == 40


def test_valid_request_answers_id_token_form(flavoured, http):
    sp = flavoured.platform
    login, _ = _login_fields(http, flavoured)
    r = http.post(_auth_url(flavoured), data=auth_params(sp, login))
    action, fields = _posted_form(r)
    assert action == sp.tool_launch_url
    assert fields["state"] == "st-1" and fields["id_token"].count(".") == 2


def test_unregistered_redirect_uri_is_refused_without_posting_back(flavoured, http):
    sp = flavoured.platform
    login, _ = _login_fields(http, flavoured)
    params = {**auth_params(sp, login), "redirect_uri": "https://evil.example/launch"}
    r = http.get(_auth_url(flavoured), params=params)
    assert r.status_code == 400
    assert "Invalid redirect_uri" in r.text
    assert 'action="https://evil.example' not in r.text


def test_unknown_client_id_is_refused(flavoured, http):
    sp = flavoured.platform
    login, _ = _login_fields(http, flavoured)
    r = http.get(_auth_url(flavoured), params={**auth_params(sp, login), "client_id": "nope"})
    assert r.status_code == 400
    assert "id_token" not in r.text


def test_wrong_login_hint_posts_an_error(flavoured, http):
    sp = flavoured.platform
    login, _ = _login_fields(http, flavoured)
    r = http.get(_auth_url(flavoured), params={**auth_params(sp, login), "login_hint": "999"})
    action, fields = _posted_form(r)
    assert action == sp.tool_launch_url
    # mod/lti/auth.php: 'access_denied'; Canvas: 'login_required'.
    expected = "access_denied" if sp.flavour == "moodle" else "login_required"
    assert fields["error"] == expected and "id_token" not in fields
    assert fields["state"] == "st-1"


def test_message_hint_is_single_use(canvas_course, http):
    sp = canvas_course.platform
    login, _ = _login_fields(http, canvas_course)
    params = auth_params(sp, login)
    assert "id_token" in _posted_form(http.post(_auth_url(canvas_course), data=params))[1]
    _, fields = _posted_form(http.post(_auth_url(canvas_course), data=params))
    assert fields["error"] == "launch_no_longer_valid"


def test_forged_message_hint_is_refused(flavoured, http):
    sp = flavoured.platform
    login, _ = _login_fields(http, flavoured)
    r = http.get(
        _auth_url(flavoured), params={**auth_params(sp, login), "lti_message_hint": "forged"}
    )
    # Moodle: "Invalid request" (404, its error page); Canvas: 400 JSON.
    assert r.status_code == (404 if sp.flavour == "moodle" else 400)
    assert "id_token" not in r.text


@pytest.mark.parametrize(
    "field,value,error",
    [
        ("scope", "openid profile", "invalid_scope"),
        ("response_type", "code", "unsupported_response_type"),
        ("response_mode", "query", "invalid_request_object"),
        ("nonce", "", "invalid_request_object"),
    ],
)
def test_bad_oidc_parameters_post_an_error(moodle_course, http, field, value, error):
    sp = moodle_course.platform
    login, _ = _login_fields(http, moodle_course)
    r = http.get(_auth_url(moodle_course), params={**auth_params(sp, login), field: value})
    _, fields = _posted_form(r)
    assert fields["error"] == error


def test_lms_values_are_escaped_in_forms(moodle_course, http):
    moodle_course.platform.tool_login_url = moodle_course.platform.tool_login_url + '?a="><script>'
    moodle_course.platform.save()
    user = course_users(moodle_course, "learner")[0]
    page = http.get(launch_url(course=moodle_course, user=user))
    assert '"><script>' not in page.text


def test_canvas_redirect_step_checks_the_hint(canvas_course, http):
    sp = canvas_course.platform
    login, _ = _login_fields(http, canvas_course)
    params = {**auth_params(sp, login), "lti_message_hint": "forged"}
    r = http.get(f"{sp.root}/api/lti/authorize_redirect", params=params, allow_redirects=False)
    assert r.status_code == 400 and r.json()["message"] == "Invalid lti_message_hint"
    good = http.get(
        f"{sp.root}/api/lti/authorize_redirect",
        params=auth_params(sp, login),
        allow_redirects=False,
    )
    assert good.status_code == 302
    assert good.headers["Location"].startswith(f"{sp.root}/api/lti/authorize?")
