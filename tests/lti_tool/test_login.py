"""OIDC third-party login initiation: GET and POST, the auth redirect, and its refusals."""

from urllib.parse import parse_qs, urlsplit

import pytest

from lti_tool.login_state import load_login

from .conftest import TOOL

pytestmark = pytest.mark.django_db


def params(fake_platform, **extra):
    return {
        "iss": fake_platform.issuer,
        "login_hint": "user-7",
        "target_link_uri": TOOL + "/lti/launch/?placement=course_navigation",
        "client_id": fake_platform.client_id,
        "lti_message_hint": "opaque",
        "lti_deployment_id": "1",
        **extra,
    }


@pytest.mark.parametrize("method", ["get", "post"])
def test_login_redirects_to_the_platform_with_state_and_nonce(client, fake_platform, method):
    response = getattr(client, method)("/lti/login/", params(fake_platform))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == fake_platform.issuer + "/auth"
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["scope"] == "openid" and query["response_type"] == "id_token"
    assert query["response_mode"] == "form_post" and query["prompt"] == "none"
    assert query["client_id"] == fake_platform.client_id
    assert query["redirect_uri"] == TOOL + "/lti/launch/"
    assert query["login_hint"] == "user-7" and query["lti_message_hint"] == "opaque"
    record = load_login(query["state"])
    assert record.nonce == query["nonce"] and record.platform_id == fake_platform.row.pk
    cookie = response.cookies["lti1p3-state-" + query["state"]]
    assert cookie.value == record.browser_secret and cookie["httponly"]
    assert record.browser_secret not in response["Location"]  # never sent to the platform


def test_login_without_client_id_works_when_the_issuer_has_one_registration(client, fake_platform):
    data = params(fake_platform)
    del data["client_id"]
    assert client.post("/lti/login/", data).status_code == 302


def test_login_with_platform_storage_renders_the_storage_page(client, fake_platform):
    response = client.post(
        "/lti/login/", params(fake_platform, lti_storage_target="post_message_forwarding")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "lti.put_data" in html and 'id="cb-continue"' in html
    assert 'name="redirect_uri"' in html and "post_message_forwarding" in html


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"iss": None}, 400, "missing_parameter"),
        ({"login_hint": None}, 400, "missing_parameter"),
        ({"target_link_uri": None}, 400, "missing_parameter"),
        ({"iss": "https://unknown.example.test"}, 403, "unknown_platform"),
        ({"client_id": "other"}, 403, "unknown_platform"),
        # A NUL, which PostgreSQL refuses in text, names no registration (it was a 500 there).
        ({"iss": "https://unknown.example.test\x00"}, 403, "unknown_platform"),
        ({"client_id": "other\x00"}, 403, "unknown_platform"),
        (
            {"target_link_uri": "https://evil.example.test/lti/launch/"},
            403,
            "foreign_target_link_uri",
        ),
        ({"lti_message_hint": "x" * 5000}, 400, "too_large"),
    ],
)
def test_login_refusals(client, fake_platform, change, status, code):
    data = {k: v for k, v in {**params(fake_platform), **change}.items() if v is not None}
    response = client.post("/lti/login/", data)
    assert response.status_code == status and response["X-LTI-Refusal"] == code
    assert 'class="refusal"' in response.content.decode()


def test_login_refuses_other_methods(client, fake_platform):
    assert client.put("/lti/login/").status_code == 405


# -- in the LMS's iframe: decided before the platform's hint is spent (ADR 0002) -----------


def _hidden(html: str) -> dict:
    import lxml.html

    doc = lxml.html.fromstring(html)
    ids = ("cb-why-blocked", "cb-why-http", "cb-new-window")
    return {i: doc.get_element_by_id(i).get("hidden") is not None for i in ids}


def _new_window_form(html: str) -> dict:
    import lxml.html

    form = lxml.html.fromstring(html).get_element_by_id("cb-new-window-form")
    assert form.get("action") == "/lti/login/" and form.get("target") == "_blank"
    fields = {i.get("name"): i.get("value") for i in form.inputs if i.get("name")}
    assert len(fields.pop("cb_frame")) == 32  # where a Deep Linking choice comes back
    return fields


def test_framed_login_over_plain_http_says_so_and_offers_a_window(client, fake_platform):
    data = params(fake_platform)
    response = client.post("/lti/login/", data, HTTP_SEC_FETCH_DEST="iframe")
    assert response.status_code == 200  # not sent to the platform: its hint is not spent
    html = response.content.decode()
    assert "plain http" in html
    assert _hidden(html) == {"cb-why-blocked": True, "cb-why-http": False, "cb-new-window": False}
    # The window restarts the login with the same parameters.
    assert _new_window_form(html) == data
    # Over http no SameSite=None cookie would be kept: neither it nor the probe is set.
    assert not [n for n in response.cookies if n.startswith("cb-cookie-probe")]
    (state_cookie,) = [c for n, c in response.cookies.items() if n.startswith("lti1p3-state-")]
    assert state_cookie["samesite"] == "Lax"


def test_framed_login_on_https_probes_the_cookie_first(client, fake_platform):
    data = params(fake_platform, target_link_uri="https://testserver/lti/launch/")
    response = client.post("/lti/login/", data, HTTP_SEC_FETCH_DEST="iframe", secure=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert _hidden(html) == {"cb-why-blocked": True, "cb-why-http": True, "cb-new-window": True}
    (probe,) = [c for n, c in response.cookies.items() if n.startswith("cb-cookie-probe-")]
    assert probe["samesite"] == "None" and probe["secure"] and not probe["httponly"]
    assert probe["max-age"] == 60 and probe["path"] == "/lti/login/"
    assert f'"probe": "{probe.key}=1"' in html
    cookies = {n.split("-")[1]: c for n, c in response.cookies.items() if n.startswith("lti1p3")}
    assert cookies["state"]["samesite"] == "None" and cookies["state"]["secure"]
    assert cookies["statelax"]["samesite"] == "Lax"
    assert cookies["state"]["httponly"] and cookies["statelax"]["httponly"]
    assert _new_window_form(html) == data


def test_loopback_http_counts_as_secure_for_cookies(client, fake_platform):
    # Browsers keep Secure cookies from http://localhost: local tests and development behave
    # like https.
    data = params(fake_platform, target_link_uri="http://localhost/lti/launch/")
    response = client.post("/lti/login/", data, HTTP_SEC_FETCH_DEST="iframe", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert [n for n in response.cookies if n.startswith("cb-cookie-probe-")]


def test_top_level_login_still_redirects(client, fake_platform):
    response = client.post("/lti/login/", params(fake_platform), HTTP_SEC_FETCH_DEST="document")
    assert response.status_code == 302


def test_top_level_cross_site_launch_is_relayed_for_the_lax_cookie(client, fake_platform):
    """Over plain http the state cookie is Lax: a top-level cross-site POST leaves it behind.
    The tool posts the launch again from its own page (same-site), and the cookie comes."""
    from django.test import Client

    response = client.post("/lti/login/", params(fake_platform))
    query = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    token = fake_platform.sign(fake_platform.claims(nonce=query["nonce"], tool=TOOL))
    form = {"id_token": token, "state": query["state"]}
    cross_site = {"HTTP_SEC_FETCH_DEST": "document", "HTTP_SEC_FETCH_SITE": "cross-site"}
    relay = Client().post("/lti/launch/", form, **cross_site)  # the browser withheld the cookie
    html = relay.content.decode()
    assert relay.status_code == 200 and 'name="lti_relay" value="1"' in html
    assert 'id="cb-relay" method="post" action="/lti/launch/"' in html
    # The relayed POST, from the tool's own page, carries this browser's cookie.
    done = client.post(
        "/lti/launch/",
        {**form, "lti_relay": "1"},
        HTTP_SEC_FETCH_DEST="document",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert done.status_code == 302, done.content[:500]


def test_a_relay_without_this_browsers_cookie_is_refused(client, fake_platform):
    from django.test import Client

    response = client.post("/lti/login/", params(fake_platform))
    query = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    token = fake_platform.sign(fake_platform.claims(nonce=query["nonce"], tool=TOOL))
    other = Client()
    refused = other.post(
        "/lti/launch/",
        {"id_token": token, "state": query["state"], "lti_relay": "1"},
        HTTP_SEC_FETCH_DEST="document",
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert refused.status_code == 403 and refused["X-LTI-Refusal"] == "state_mismatch"


# -- LTI_ALLOW_HTTP_PLATFORMS ----------------------------------------------------------------


def test_http_platforms_are_refused_unless_the_operator_allows_them(
    client, fake_platform, settings
):
    assert fake_platform.row.key_set_url.startswith("http://")
    allowed = client.post("/lti/login/", params(fake_platform))
    assert allowed.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(allowed["Location"]).query).items()}
    settings.LTI_ALLOW_HTTP_PLATFORMS = False
    refused = client.post("/lti/login/", params(fake_platform))
    assert refused.status_code == 403 and refused["X-LTI-Refusal"] == "insecure_platform"
    assert "LTI_ALLOW_HTTP_PLATFORMS" in refused.content.decode()
    # A login begun while allowed does not launch after the operator turned it off.
    token = fake_platform.sign(fake_platform.claims(nonce=query["nonce"], tool=TOOL))
    launch = client.post("/lti/launch/", {"id_token": token, "state": query["state"]})
    assert launch.status_code == 403 and launch["X-LTI-Refusal"] == "insecure_platform"


def test_https_platforms_need_no_setting(client, fake_platform, settings):
    settings.LTI_ALLOW_HTTP_PLATFORMS = False
    row = fake_platform.row
    row.auth_login_url = "https://lms.example.test/auth"
    row.auth_token_url = "https://lms.example.test/token"
    row.key_set_url = "https://lms.example.test/jwks"
    row.issuer = "https://lms.example.test"
    row.save()
    response = client.post("/lti/login/", params(fake_platform, iss="https://lms.example.test"))
    assert response.status_code == 302
    assert response["Location"].startswith("https://lms.example.test/auth?")


def test_the_setting_defaults_to_off():
    import subprocess
    import sys

    env = {k: v for k, v in __import__("os").environ.items() if k != "LTI_ALLOW_HTTP_PLATFORMS"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            # The settings module alone (no django.setup(): apps, logging) decides the value.
            "from django.conf import settings;print(settings.LTI_ALLOW_HTTP_PLATFORMS)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"


def test_transit_pages_run_only_their_own_scripts(client, fake_platform):
    """Framable by any LMS page, but script runs only with the response's nonce: markup that
    slipped into a login parameter could not run."""
    import re

    response = client.post("/lti/login/", params(fake_platform), HTTP_SEC_FETCH_DEST="iframe")
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors *" in policy
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy).group(1)
    scripts = [
        attrs
        for attrs in re.findall(r"<script([^>]*)>", response.content.decode())
        if 'type="application/json"' not in attrs  # data, not script
    ]
    assert scripts and all(f'nonce="{nonce}"' in attrs for attrs in scripts)


def test_the_window_login_remembers_its_frame_and_a_response_is_taken_once(client, fake_platform):
    from lti_tool.frame_return import hand_back

    frame = "f" * 32
    response = client.post("/lti/login/", params(fake_platform, cb_frame=frame))
    query = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    assert load_login(query["state"]).frame_id == frame
    assert client.post("/lti/login/frame-return/", {"frame": frame}).status_code == 204
    hand_back(frame, action="https://lms.example.test/return", jwt="signed")
    got = client.post("/lti/login/frame-return/", {"frame": frame})
    assert got.status_code == 200
    assert got.json() == {"action": "https://lms.example.test/return", "jwt": "signed"}
    assert client.post("/lti/login/frame-return/", {"frame": frame}).status_code == 204
    # A malformed frame id is neither stored nor looked up.
    bad = client.post("/lti/login/", params(fake_platform, cb_frame="../x"))
    bad_state = parse_qs(urlsplit(bad["Location"]).query)["state"][0]
    assert load_login(bad_state).frame_id == ""
    assert client.post("/lti/login/frame-return/", {"frame": "../x"}).status_code == 204
