"""A throwaway LTI platform for the attack tests: its own RSA key, its JWKS served over real
HTTP from a small thread on 127.0.0.1, and id_tokens signed the way Moodle/Canvas sign them."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from lti_tool.keys import public_jwk_of
from tests.http_servers import serve_in_thread

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


@dataclass
class KeySetServer:
    keys: list = field(default_factory=list)
    hits: int = 0
    url: str = ""

    def start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                owner.hits += 1
                body = json.dumps({"keys": owner.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/jwks"
        serve_in_thread(self._server)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class FakePlatform:
    issuer = "https://lms.example.test"
    client_id = "client-123"
    deployment_id = "1"

    def __init__(self, jwks: KeySetServer) -> None:
        self.jwks = jwks
        # A test LMS on loopback, like a developer's Moodle: its key set beside its issuer.
        # (A registration on a public host may not fetch from loopback: ADR 0045.)
        self.issuer = jwks.url.removesuffix("/jwks")
        self.key, self.kid = self.new_key()
        jwks.keys.append(self.public(self.key, self.kid))

    @staticmethod
    def new_key():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return key, "k-" + uuid.uuid4().hex[:8]

    @staticmethod
    def public(key, kid):
        return {**public_jwk_of(key.public_key()), "kid": kid}

    def claims(self, *, nonce: str, tool: str, roles=(INSTRUCTOR,), **extra) -> dict:
        now = int(time.time())
        body = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": "user-7",
            "iat": now,
            "exp": now + 60,
            "nonce": nonce,
            "name": "Terry <b>Teacher</b>",
            "email": "teacher@example.test",
            LTI + "deployment_id": self.deployment_id,
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "version": "1.3.0",
            LTI + "target_link_uri": tool + "/lti/launch/",
            LTI + "resource_link": {"id": "rl-1", "title": "Credential activity"},
            LTI + "roles": list(roles),
            LTI + "context": {"id": "course-2", "label": "LTI101", "title": "LTI Test Course"},
            LTI + "launch_presentation": {"locale": "en", "return_url": self.issuer + "/r"},
        }
        # No AGS/NRPS claims by default: with them a launch starts the course's grade sync
        # (in-process in tests), which this fake platform does not serve.
        body.update(extra)
        return {k: v for k, v in body.items() if v is not None}

    def sign(self, claims: dict, *, key=None, kid=None, alg="RS256", headers=None) -> str:
        hdr = {"kid": kid or self.kid, **(headers or {})}
        return jwt.encode(claims, key or self.key, algorithm=alg, headers=hdr)


def state_and_nonce(location: str) -> tuple[str, str]:
    query = parse_qs(urlsplit(location).query)
    return query["state"][0], query["nonce"][0]
