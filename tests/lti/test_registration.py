"""LTI Dynamic Registration against a small platform served over real HTTP (Moodle- and
Canvas-shaped answers, as in the captures), and the Canvas developer-key JSON."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lti_tool.models import Deployment, Platform

pytestmark = pytest.mark.django_db
TOKEN = "reg-token-123"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"


class RegistrationPlatform:
    def __init__(self, flavour: str) -> None:
        self.flavour = flavour
        self.received: list[dict] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._send(
                        401, {"errorMessage": "JWT did not include expected contents"}
                    )
                self._send(200, owner.config())

            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._send(401, {"errorMessage": "bad token"})
                owner.received.append(body)
                self._send(200, owner.answer(body))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def config(self) -> dict:
        b = self.base
        if self.flavour == "moodle":
            return {
                "issuer": b,
                "authorization_endpoint": b + "/mod/lti/auth.php",
                "token_endpoint": b + "/mod/lti/token.php",
                "jwks_uri": b + "/mod/lti/certs.php",
                "registration_endpoint": b + "/mod/lti/openid-registration.php",
                "scopes_supported": [
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
                ],
                PLATFORM_CONFIG: {"product_family_code": "moodle", "version": "4.5"},
            }
        return {
            "issuer": "https://canvas.instructure.com",  # one issuer for every school
            "authorization_endpoint": b + "/api/lti/authorize_redirect",
            "token_endpoint": b + "/login/oauth2/token",
            "jwks_uri": b + "/api/lti/security/jwks",
            # Canvas: the registration endpoint is on the school's own host
            "registration_endpoint": f"http://localhost:{self.server.server_port}"
            "/api/lti/registrations",
            PLATFORM_CONFIG: {
                "product_family_code": "canvas",
                "https://canvas.instructure.com/lti/account_name": "Example <University>",
            },
        }

    def answer(self, body: dict) -> dict:
        if self.flavour == "moodle":
            return {
                **body,
                "client_id": "pJI81SXNkzXmJxY",
                TOOL_CONFIG: {**body[TOOL_CONFIG], "deployment_id": "7"},
            }
        return {**body, "client_id": "170000000000123", "deployment_id": "5213:abc"}

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


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


def open_config(platform):
    return platform.base + "/mod/lti/openid-configuration.php?x=1"


def test_moodle_dynamic_registration(client, moodle):
    page = client.get(
        "/lti/register/", {"openid_configuration": open_config(moodle), "registration_token": TOKEN}
    )
    assert page.status_code == 200 and moodle.base.encode() in page.content
    done = client.post(
        "/lti/register/", {"openid_configuration": open_config(moodle), "registration_token": TOKEN}
    )
    assert done.status_code == 200, done.content[:500]
    assert b"org.imsglobal.lti.close" in done.content
    (sent,) = moodle.received
    assert sent["initiate_login_uri"] == "http://testserver/lti/login/"
    assert sent["jwks_uri"] == "http://testserver/lti/jwks.json"
    assert sent["redirect_uris"] == ["http://testserver/lti/launch/"]
    assert sent["token_endpoint_auth_method"] == "private_key_jwt"
    assert "contextmembership.readonly" in sent["scope"]
    types = {m["type"] for m in sent[TOOL_CONFIG]["messages"]}
    assert types == {"LtiResourceLinkRequest", "LtiDeepLinkingRequest"}
    platform = Platform.objects.get(issuer=moodle.base, client_id="pJI81SXNkzXmJxY")
    assert platform.flavour == "moodle"
    assert platform.auth_login_url == moodle.base + "/mod/lti/auth.php"
    assert platform.key_set_url == moodle.base + "/mod/lti/certs.php"
    assert not platform.auto_activate_deployments
    assert Deployment.objects.get(platform=platform).deployment_id == "7"
    # Registering again updates, never duplicates.
    client.post(
        "/lti/register/", {"openid_configuration": open_config(moodle), "registration_token": TOKEN}
    )
    assert Platform.objects.filter(issuer=moodle.base).count() == 1


def test_canvas_dynamic_registration(client, canvas):
    school = canvas.base.replace("127.0.0.1", "localhost")  # the school's own host
    url = school + "/api/lti/security/openid-configuration?registration_token=" + TOKEN
    done = client.post("/lti/register/", {"openid_configuration": url, "registration_token": TOKEN})
    assert done.status_code == 200, done.content[:500]
    assert b"Example &lt;University&gt;" in done.content
    (sent,) = canvas.received
    config = sent[TOOL_CONFIG]
    assert config["https://canvas.instructure.com/lti/privacy_level"] == "public"
    assert config["messages"][0]["placements"] == [
        "https://canvas.instructure.com/lti/course_navigation"
    ]
    platform = Platform.objects.get(client_id="170000000000123")
    assert platform.flavour == "canvas"
    assert platform.service_url_allowed(
        f"http://localhost:{canvas.server.server_port}/api/lti/courses/1/line_items"
    )
    assert Deployment.objects.get(platform=platform).deployment_id == "5213:abc"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, b"openid_configuration"),
        ({"openid_configuration": "ftp://x/y"}, b"https URL"),
        ({"openid_configuration": "http://127.0.0.1:9/none"}, b"could not be fetched"),
    ],
)
def test_bad_registration_requests_are_explained(client, params, message):
    response = client.post("/lti/register/", {"registration_token": TOKEN, **params})
    assert response.status_code == 400 and message in response.content
    assert Platform.objects.count() == 0


def test_wrong_token_and_foreign_issuer_are_refused(client, moodle, canvas):
    response = client.post(
        "/lti/register/", {"openid_configuration": open_config(moodle), "registration_token": "bad"}
    )
    assert response.status_code == 400 and b"401" in response.content
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


def test_canvas_developer_key_json(client):
    data = client.get("/lti/canvas.json").json()
    assert data["oidc_initiation_url"] == "http://testserver/lti/login/"
    assert data["target_link_uri"] == "http://testserver/lti/launch/"
    assert data["public_jwk_url"] == "http://testserver/lti/jwks.json"
    (ext,) = data["extensions"]
    placements = {p["placement"]: p["message_type"] for p in ext["settings"]["placements"]}
    assert placements["course_navigation"] == "LtiResourceLinkRequest"
    assert placements["link_selection"] == "LtiDeepLinkingRequest"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in data["scopes"]
