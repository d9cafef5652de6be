"""LTI Dynamic Registration against a small platform served over real HTTP (Moodle- and
Canvas-shaped answers, as in the captures), and the Canvas developer-key JSON."""

from urllib.parse import urlsplit

import pytest

from lti_tool.models import Deployment, Platform

from .registration_platform import TOKEN, TOOL_CONFIG, RegistrationPlatform

pytestmark = pytest.mark.django_db
TOOL = "https://credbridge.example.edu"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.LTI_ALLOW_HTTP_PLATFORMS = True
    settings.LTI_PRIVATE_NETWORK_PLATFORMS = True  # the test platforms are on loopback http
    settings.PUBLIC_BASE_URL = TOOL
    settings.LTI_REGISTRATION_ISSUERS = []
    settings.LTI_OPEN_REGISTRATION = True


@pytest.fixture
def moodle():
    p = RegistrationPlatform("moodle")
    yield p
    p.stop()


@pytest.fixture
def canvas():
    p = RegistrationPlatform("canvas")
    yield p
    p.stop()


def post(client, platform, **extra):
    return client.post(
        "/lti/register/",
        {"openid_configuration": platform.config_url(), "registration_token": TOKEN, **extra},
    )


def test_moodle_dynamic_registration(client, moodle):
    page = client.get(
        "/lti/register/", {"openid_configuration": moodle.config_url(), "registration_token": TOKEN}
    )
    assert page.status_code == 200 and moodle.base.encode() in page.content
    assert b'name="name"' in page.content
    # A bare address is no name: the administrator types one (never "moodle 127.0.0.1:...").
    assert b'name="name" value=""' in page.content
    done = post(client, moodle, name="  Example\x00 University\n Moodle ")
    assert done.status_code == 200, done.content[:500]
    assert b"org.imsglobal.lti.close" in done.content
    (sent,) = moodle.received
    # What we tell the LMS comes from PUBLIC_BASE_URL, never from the request's Host.
    assert sent["initiate_login_uri"] == TOOL + "/lti/login/"
    assert sent["jwks_uri"] == TOOL + "/lti/jwks.json"
    assert sent["redirect_uris"] == [TOOL + "/lti/launch/"]
    assert sent["token_endpoint_auth_method"] == "private_key_jwt"
    assert "contextmembership.readonly" in sent["scope"]
    types = {m["type"] for m in sent[TOOL_CONFIG]["messages"]}
    assert types == {"LtiResourceLinkRequest", "LtiDeepLinkingRequest"}
    platform = Platform.objects.get(issuer=moodle.base, client_id="pJI81SXNkzXmJxY")
    assert platform.name == "Example University Moodle"
    assert platform.flavour == "moodle"
    assert platform.status == "pending" and platform.registered_via == "dynamic"
    assert platform.registered_from == moodle.config_url()
    assert platform.auth_login_url == moodle.base + "/mod/lti/auth.php"
    assert platform.key_set_url == moodle.base + "/mod/lti/certs.php"
    assert not platform.auto_activate_deployments
    assert Deployment.objects.get(platform=platform).deployment_id == "7"
    html = done.content.decode()
    for shown in (moodle.base, "pJI81SXNkzXmJxY", "Example University Moodle", "pending approval"):
        assert shown in html
    assert "approve_platform" in html


def test_a_platform_on_a_bare_address_must_be_named_before_anything_is_sent(client, moodle):
    response = post(client, moodle, name=" \x00 ")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give this LMS a name" in html and 'id="register"' in html  # the form, again
    assert moodle.received == [] and Platform.objects.count() == 0


def test_canvas_dynamic_registration(client, canvas):
    page = client.get(
        "/lti/register/", {"openid_configuration": canvas.config_url(), "registration_token": TOKEN}
    )
    assert b'value="Example &lt;University&gt;"' in page.content  # Canvas's account name
    done = post(client, canvas, name="Example <University>")
    assert done.status_code == 200, done.content[:500]
    assert b"Example &lt;University&gt;" in done.content
    (sent,) = canvas.received
    config = sent[TOOL_CONFIG]
    assert config["https://canvas.instructure.com/lti/privacy_level"] == "public"
    assert config["messages"][0]["placements"] == [
        "https://canvas.instructure.com/lti/course_navigation"
    ]
    platform = Platform.objects.get(client_id="170000000000123")
    assert platform.flavour == "canvas" and platform.status == "pending"
    # The registration token rides in Canvas's configuration URL: never stored.
    assert TOKEN not in platform.registered_from
    assert urlsplit(canvas.school).netloc in platform.allowed_service_hosts()
    assert Deployment.objects.get(platform=platform).deployment_id == "5213:abc"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, b"openid_configuration"),
        ({"openid_configuration": "ftp://x/y"}, b"https URL"),
        ({"openid_configuration": "http://127.0.0.1:9/none"}, b"could not be fetched"),
        ({"openid_configuration": "http://127.0.0.1:99999/x"}, b"malformed port"),
        ({"openid_configuration": "http://user:pw@127.0.0.1:9/x"}, b"not a URL of a host"),
    ],
)
def test_bad_registration_requests_are_explained(client, params, message):
    response = client.post("/lti/register/", {"registration_token": TOKEN, **params})
    assert response.status_code == 400 and message in response.content
    assert Platform.objects.count() == 0


def test_http_platforms_need_the_operator_setting(client, moodle, settings):
    settings.LTI_ALLOW_HTTP_PLATFORMS = False
    settings.DEBUG = True  # no longer implies http
    response = post(client, moodle)
    assert response.status_code == 400 and b"https URL" in response.content
    assert moodle.requests == [] and Platform.objects.count() == 0


def test_wrong_token_and_foreign_issuer_are_refused(client, moodle, canvas):
    response = post(client, moodle, registration_token="bad")
    assert response.status_code == 400 and b"HTTP 401" in response.content
    # A configuration served from one host that claims another issuer
    foreign = moodle.base.replace("127.0.0.1", "localhost") + "/mod/lti/openid-configuration.php"
    response = client.post(
        "/lti/register/", {"openid_configuration": foreign, "registration_token": TOKEN}
    )
    assert response.status_code == 400 and b"issuer" in response.content
    # Canvas: a school's host may serve it, but only the host that takes the registration
    # (this fake Canvas registers on "localhost"; here its configuration is asked of
    # 127.0.0.1, which is neither that host nor the issuer).
    canvas_elsewhere = canvas.base + "/api/lti/security/openid-configuration"
    response = client.post(
        "/lti/register/", {"openid_configuration": canvas_elsewhere, "registration_token": TOKEN}
    )
    assert response.status_code == 400 and b"issuer" in response.content
    assert Platform.objects.count() == 0


def test_canvas_developer_key_json_is_built_from_the_public_url(client):
    data = client.get("/lti/canvas.json", HTTP_HOST="localhost:8123").json()
    assert data["oidc_initiation_url"] == TOOL + "/lti/login/"
    assert data["target_link_uri"] == TOOL + "/lti/launch/"
    assert data["public_jwk_url"] == TOOL + "/lti/jwks.json"
    (ext,) = data["extensions"]
    assert ext["domain"] == "credbridge.example.edu"
    placements = {p["placement"]: p["message_type"] for p in ext["settings"]["placements"]}
    assert placements["course_navigation"] == "LtiResourceLinkRequest"
    assert placements["link_selection"] == "LtiDeepLinkingRequest"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in data["scopes"]
