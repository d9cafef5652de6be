"""Sandbox platforms wired to the test tool double, served by the live server."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest
import requests

from lms_sandbox.seed import connect_tool, seed_course

pytestmark = pytest.mark.urls("tests.lms_sandbox.tool_double")


def _point_at_double(sp, base: str):
    sp.tool_login_url = f"{base}/testtool/login/"
    sp.tool_launch_url = f"{base}/testtool/launch/"
    sp.tool_deep_link_url = f"{base}/testtool/launch/"
    sp.tool_jwks_url = f"{base}/testtool/jwks.json"
    sp.tool_redirect_uris = [sp.tool_launch_url]
    sp.save()
    return sp


@pytest.fixture
def moodle(live_server, settings):
    settings.ROOT_URLCONF = "tests.lms_sandbox.tool_double"
    sp, platform = connect_tool(flavour="moodle", tool_base_url=live_server.url, slug="moodle")
    return _point_at_double(sp, live_server.url)


@pytest.fixture
def canvas(live_server, settings):
    settings.ROOT_URLCONF = "tests.lms_sandbox.tool_double"
    sp, platform = connect_tool(flavour="canvas", tool_base_url=live_server.url, slug="canvas")
    return _point_at_double(sp, live_server.url)


@pytest.fixture
def moodle_course(moodle):
    return seed_course(platform=moodle, title="LTI Test Course", learners=5)


@pytest.fixture
def canvas_course(canvas):
    return seed_course(platform=canvas, title="Digital Competence", learners=5)


@pytest.fixture
def http():
    with requests.Session() as s:
        yield s


def make_assertion(sp, *, key=None, kid=None, **claims) -> str:
    """A client assertion signed as the tool double (claims override the valid defaults)."""
    from lms_sandbox.flavours import get_flavour

    from .tool_double import TOOL_KEY, TOOL_KID

    now = int(time.time())
    payload = {
        "iss": sp.client_id,
        "sub": sp.client_id,
        "aud": get_flavour(sp).token_url(sp),
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
    }
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, key or TOOL_KEY, algorithm="RS256", headers={"kid": kid or TOOL_KID})


def token_form(sp, scopes, **claims) -> dict:
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": make_assertion(sp, **claims),
        "scope": " ".join(scopes),
    }


def get_token(http, sp, scopes=None) -> str:
    from lms_sandbox.flavours import get_flavour
    from lms_sandbox.models import ALL_SCOPES

    r = http.post(get_flavour(sp).token_url(sp), data=token_form(sp, scopes or ALL_SCOPES))
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def auth_params(sp, login: dict, **over) -> dict:
    """The tool's OIDC authentication request for a sandbox login initiation's fields."""
    return {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": login["client_id"],
        "redirect_uri": sp.tool_launch_url,
        "login_hint": login["login_hint"],
        "lti_message_hint": login["lti_message_hint"],
        "state": "st-1",
        "nonce": "n-1",
        **over,
    }
