"""Dynamic Registration, platform side, in both flavours."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from lms_sandbox.browserless import follow_launch
from lms_sandbox.models import SandboxPlatform
from lms_sandbox.registration import start_registration
from lms_sandbox.seed import course_users, launch_url, seed_course
from lti_tool.models import Platform

pytestmark = pytest.mark.django_db(transaction=True)
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"


@pytest.fixture(params=["moodle", "canvas"])
def sp(request, moodle, canvas):
    return moodle if request.param == "moodle" else canvas


def _start(sp, live_server):
    url = start_registration(platform=sp, registration_url=f"{live_server.url}/testtool/register/")
    q = parse_qs(urlsplit(url).query)
    return url, q["openid_configuration"][0], q["registration_token"][0]


def _body(live_server, scope="https://purl.imsglobal.org/spec/lti-ags/scope/score"):
    base = f"{live_server.url}/testtool/"
    return {
        "application_type": "web",
        "grant_types": ["client_credentials", "implicit"],
        "response_types": ["id_token"],
        "redirect_uris": [base + "launch/"],
        "initiate_login_uri": base + "login/",
        "client_name": "Double",
        "jwks_uri": base + "jwks.json",
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": f"openid {scope}",
        TOOL_CONFIG: {"domain": "x", "target_link_uri": base + "launch/", "claims": []},
    }


def test_openid_configuration_needs_the_token(sp, live_server, http):
    _, config_url, token = _start(sp, live_server)
    bare = config_url.split("?")[0]
    assert http.get(bare).status_code == 401
    config = http.get(bare, headers={"Authorization": f"Bearer {token}"}).json()
    assert config["issuer"] == sp.issuer
    assert config["registration_endpoint"].startswith(sp.root)
    family = config["https://purl.imsglobal.org/spec/lti-platform-configuration"]
    assert family["product_family_code"] == sp.flavour
    if sp.flavour == "canvas":  # the token rides in the openid_configuration URL too
        assert "registration_token=" in config_url
        assert http.get(config_url).status_code == 200


def test_registration_post_records_the_tool(sp, live_server, http):
    _, config_url, token = _start(sp, live_server)
    endpoint = http.get(
        config_url.split("?")[0], headers={"Authorization": f"Bearer {token}"}
    ).json()["registration_endpoint"]
    r = http.post(endpoint, json=_body(live_server), headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    answer = r.json()
    sp.refresh_from_db()
    assert answer["client_id"] == sp.client_id
    assert (
        answer["scope"] == "https://purl.imsglobal.org/spec/lti-ags/scope/score"
    )  # openid dropped
    assert sp.granted_scopes == ["https://purl.imsglobal.org/spec/lti-ags/scope/score"]
    assert sp.tool_login_url.endswith("/testtool/login/")
    if sp.flavour == "canvas":
        assert answer["deployment_id"] == sp.deployment_id  # top level
    else:
        assert answer[TOOL_CONFIG]["deployment_id"] == sp.deployment_id
    again = http.post(
        endpoint, json=_body(live_server), headers={"Authorization": f"Bearer {token}"}
    )
    assert again.status_code == 401  # a registration token is used once


def test_registration_refusals(sp, live_server, http):
    _, config_url, token = _start(sp, live_server)
    endpoint = sp.root + (
        "/api/lti/registrations" if sp.flavour == "canvas" else "/mod/lti/openid-registration.php"
    )
    assert (
        http.post(
            endpoint, json=_body(live_server), headers={"Authorization": "Bearer forged"}
        ).status_code
        == 401
    )
    bad = {**_body(live_server), "token_endpoint_auth_method": "client_secret_basic"}
    r = http.post(endpoint, json=bad, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == (422 if sp.flavour == "canvas" else 400)


def test_moodle_reads_the_registration_token_only_from_the_header(moodle, live_server, http):
    # mod/lti/openid-registration.php takes the token from the Authorization header alone.
    _, config_url, token = _start(moodle, live_server)
    endpoint = moodle.root + "/mod/lti/openid-registration.php"
    r = http.post(endpoint, params={"registration_token": token}, json=_body(live_server))
    assert r.status_code == 401 and r.text == "missing_registration_token"
    # The token was not spent by the refused attempt: the proper request still registers.
    ok = http.post(endpoint, json=_body(live_server), headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200, ok.text


def test_canvas_refuses_unknown_scopes(canvas, live_server, http):
    _, config_url, token = _start(canvas, live_server)
    r = http.post(
        canvas.root + "/api/lti/registrations",
        json=_body(live_server, scope="https://example.com/made-up"),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 422


def test_register_then_launch(sp, live_server, http):
    """The full flow: the tool registers itself, then a launch works with the new client id."""
    url, _, _ = _start(sp, live_server)
    page = http.get(url)
    assert page.status_code == 200 and "org.imsglobal.lti.close" in page.text
    sp.refresh_from_db()
    assert Platform.objects.filter(issuer=sp.issuer, client_id=sp.client_id).exists()
    registered = SandboxPlatform.objects.get(pk=sp.pk)
    if sp.flavour == "moodle":
        # Registered "preconfigured", as Moodle does: the admin then sets the activity chooser.
        assert registered.coursevisible == SandboxPlatform.CourseVisible.PRECONFIGURED
        registered.coursevisible = SandboxPlatform.CourseVisible.ACTIVITY_CHOOSER
        registered.save()
    course = seed_course(platform=registered, title="After DR", learners=1)
    learner = course_users(course, "learner")[0]
    r = follow_launch(http, launch_url(course=course, user=learner))
    assert r.status_code == 200, r.text
    assert r.json()["claims"]["aud"] == sp.client_id


def test_registration_page(sp, live_server, http):
    page = http.get(f"{sp.root}/register")
    assert page.status_code == 200 and "registration_url" in page.text
