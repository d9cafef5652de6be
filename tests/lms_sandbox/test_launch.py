"""The sandbox's launch flow over real HTTP: login initiation, auth endpoint, id_token."""

from __future__ import annotations

import pytest

from lms_sandbox.browserless import follow_launch
from lms_sandbox.seed import course_users, launch_url
from lti_tool.models import Deployment, Platform

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
pytestmark = pytest.mark.django_db(transaction=True)


def test_connect_tool_registers_both_sides(moodle, canvas, live_server):
    mp = Platform.objects.get(issuer=moodle.issuer, client_id=moodle.client_id)
    assert mp.issuer == f"{live_server.url}/sandbox/moodle"
    assert mp.auth_login_url.endswith("/sandbox/moodle/mod/lti/auth.php")
    assert mp.auth_token_url.endswith("/sandbox/moodle/mod/lti/token.php")
    assert mp.key_set_url.endswith("/sandbox/moodle/mod/lti/certs.php")
    assert Deployment.objects.filter(platform=mp, deployment_id=moodle.deployment_id).exists()
    cp = Platform.objects.get(client_id=canvas.client_id)
    assert cp.issuer == "https://canvas.instructure.com"
    assert cp.flavour == "canvas"
    assert cp.auth_login_url.endswith("/sandbox/canvas/api/lti/authorize_redirect")
    assert ":" in canvas.deployment_id
    # the private key is stored encrypted, not as PEM
    assert "PRIVATE KEY" not in moodle.private_key_encrypted


def test_moodle_instructor_launch(moodle_course, http):
    teacher = course_users(moodle_course, "instructor")[0]
    link = moodle_course.resource_links.get()
    r = follow_launch(
        http, launch_url(course=moodle_course, user=teacher, role="instructor", resource_link=link)
    )
    assert r.status_code == 200, r.text
    body = r.json()
    claims = body["claims"]
    methods = [m for m, _ in r.history_forms]
    assert methods == ["GET", "POST", "GET", "POST"]  # start, login POST, auth GET, id_token
    assert claims["exp"] - claims["iat"] == 60
    assert claims["aud"] == moodle_course.platform.client_id
    assert claims["sub"] == teacher.sub
    assert claims[LTI + "roles"] == ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]
    assert claims[LTI + "context"]["type"] == ["CourseSection"]
    assert claims[LTI + "resource_link"]["id"] == link.link_id
    ags = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    assert ags["lineitems"].endswith(
        f"/mod/lti/services.php/{moodle_course.pk}/lineitems?type_id="
        f"{moodle_course.platform.type_id}"
    )
    assert "/lineitem?type_id=" in ags["lineitem"]
    nrps = claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"]
    assert "/CourseSection/" in nrps["context_memberships_url"]
    assert set(body["form"]) == {"id_token", "state"}


def test_canvas_learner_launch(canvas_course, http):
    learner = course_users(canvas_course, "learner")[0]
    r = follow_launch(http, launch_url(course=canvas_course, user=learner, role="learner"))
    assert r.status_code == 200, r.text
    body = r.json()
    claims = body["claims"]
    assert claims["iss"] == "https://canvas.instructure.com"
    assert claims["azp"] == claims["aud"] == canvas_course.platform.client_id
    assert claims["exp"] - claims["iat"] == 3600
    assert claims[LTI + "resource_link"]["id"] == canvas_course.context_id
    assert "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner" in claims[LTI + "roles"]
    assert "lineitem" not in claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    assert claims["https://www.instructure.com/placement"] == "course_navigation"
    # Rails form extras the tool must ignore
    assert {"utf8", "authenticity_token", "lti_storage_target"} <= set(body["form"])
    # the auth request went through the sso host's 302 to the school host's /authorize
    assert any(url.endswith("/api/lti/authorize_redirect") for _, url in r.history_forms)


def test_canvas_admin_launch_has_no_membership_role(canvas_course, http):
    from lms_sandbox.seed import site_admin

    admin = site_admin(canvas_course.platform)
    r = follow_launch(http, launch_url(course=canvas_course, user=admin, role="admin"))
    roles = r.json()["claims"][LTI + "roles"]
    assert not any("membership#" in role for role in roles)
    assert "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator" in roles


def test_jwks_served_in_both_flavours(moodle, canvas, http):
    for sp, path in ((moodle, "/mod/lti/certs.php"), (canvas, "/api/lti/security/jwks")):
        keys = http.get(sp.root + path).json()["keys"]
        assert keys[0]["kid"] == sp.kid and keys[0]["kty"] == "RSA" and "d" not in keys[0]
