"""A small Dynamic Registration platform served over real HTTP on a loopback port, answering
like Moodle or Canvas (as in the captures) — or like an attacker who claims to be one."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.http_servers import serve_in_thread

TOKEN = "reg-token-123"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]


class RegistrationPlatform:
    """`flavour` moodle or canvas. `issuer`, `family` and `client_id` override what it
    claims (an attacker's server claims someone else's)."""

    def __init__(
        self,
        flavour: str,
        *,
        issuer: str | None = None,
        family: str | None = None,
        client_id: str | None = None,
    ) -> None:
        self.flavour = flavour
        self.token = TOKEN  # what the platform expects in Authorization (a test may change it)
        self.received: list[dict] = []
        self.requests: list[str] = []
        self.error_body: bytes | None = None
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status, body):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                owner.requests.append("GET " + self.path)
                if self.headers.get("Authorization") != f"Bearer {owner.token}":
                    return self._send(
                        401, {"errorMessage": "JWT did not include expected contents"}
                    )
                self._send(200, owner.config())

            def do_POST(self):  # noqa: N802
                owner.requests.append("POST " + self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if owner.error_body is not None:
                    return self._send(500, owner.error_body)
                if self.headers.get("Authorization") != f"Bearer {owner.token}":
                    return self._send(401, {"errorMessage": "bad token"})
                body = json.loads(body)
                owner.received.append(body)
                self._send(200, owner.answer(body))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        self.base = f"http://127.0.0.1:{self.port}"
        self.issuer = issuer or (
            self.base if flavour == "moodle" else "https://canvas.instructure.com"
        )
        self.family = family or flavour
        self.client_id = client_id or (
            "pJI81SXNkzXmJxY" if flavour == "moodle" else "170000000000123"
        )
        serve_in_thread(self.server)

    @property
    def school(self) -> str:
        """Canvas: the school's own host (another name for this server)."""
        return f"http://localhost:{self.port}"

    def config_url(self) -> str:
        if self.flavour == "moodle":
            return self.base + "/mod/lti/openid-configuration.php"
        return self.school + "/api/lti/security/openid-configuration?registration_token=" + TOKEN

    def config(self) -> dict:
        b = self.base
        if self.flavour == "moodle":
            return {
                "issuer": self.issuer,
                "authorization_endpoint": b + "/mod/lti/auth.php",
                "token_endpoint": b + "/mod/lti/token.php",
                "jwks_uri": b + "/mod/lti/certs.php",
                "registration_endpoint": b + "/mod/lti/openid-registration.php",
                "scopes_supported": SCOPES,
                PLATFORM_CONFIG: {"product_family_code": self.family, "version": "4.5"},
            }
        return {
            "issuer": self.issuer,  # one issuer for every school
            "authorization_endpoint": b + "/api/lti/authorize_redirect",
            "token_endpoint": b + "/login/oauth2/token",
            "jwks_uri": b + "/api/lti/security/jwks",
            # Canvas: the registration endpoint is on the school's own host
            "registration_endpoint": self.school + "/api/lti/registrations",
            PLATFORM_CONFIG: {
                "product_family_code": self.family,
                "https://canvas.instructure.com/lti/account_name": "Example <University>",
            },
        }

    def answer(self, body: dict) -> dict:
        if self.flavour == "moodle":
            return {
                **body,
                "client_id": self.client_id,
                TOOL_CONFIG: {**body[TOOL_CONFIG], "deployment_id": "7"},
            }
        return {**body, "client_id": self.client_id, "deployment_id": "5213:abc"}

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
