"""An outside organisation for the endorsement tests: its own Ed25519 key, its did:web
document served by a real HTTP server on a loopback port, and endorsements it signs."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credentials.did import PublishedKey, did_document
from credentials.documents import IssuerInput
from credentials.endorsement_json import EndorsementInput, compose_endorsement
from credentials.multikey import public_key_multibase
from credentials.proofs import sign_document
from tests.http_servers import serve_in_thread


class EndorserSite:
    """`routes[path] = (status, headers, body)`; `delay_s` slows every answer down."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.delay_s = 0.0
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                site.requests.append(self.path)
                if site.delay_s:
                    time.sleep(site.delay_s)
                status, headers, body = site.routes.get(self.path, (404, {}, b"not found"))
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the tool hung up (too large, too slow): what the test wants

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread: threading.Thread = serve_in_thread(self.server)
        self.key = Ed25519PrivateKey.generate()

    def did(self, *path: str) -> str:
        return ":".join([f"did:web:127.0.0.1%3A{self.port}", *path])

    def publish(self, did: str, *, key: Ed25519PrivateKey | None = None) -> dict[str, Any]:
        """Serve the DID document of `did` (with this site's key, or `key`)."""
        public = public_key_multibase((key or self.key).public_key())
        document = did_document(did, [PublishedKey("key-1", public)])
        segments = did.split(":")[3:]
        path = "/" + "/".join(segments) + "/did.json" if segments else "/.well-known/did.json"
        self.routes[path] = (
            200,
            {"Content-Type": "application/json"},
            json.dumps(document).encode(),
        )
        return document

    def endorse(
        self,
        did: str,
        subject_id: str,
        *,
        comment: str = "We hire people who hold this.",
        key: Ed25519PrivateKey | None = None,
        method: str = "",
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An EndorsementCredential of `subject_id`, signed by this organisation."""
        unsigned = compose_endorsement(
            EndorsementInput(
                credential_id=f"https://127.0.0.1:{self.port}/endorsements/{time.time_ns()}",
                issuer=IssuerInput(
                    id=did, name="Acme Employers' Guild", url="https://acme.example"
                ),
                subject_id=subject_id,
                name="Endorsement by Acme",
                comment=comment,
                valid_from="2026-01-01T00:00:00Z",
            )
        )
        unsigned.update(extra or {})
        return sign_document(
            unsigned,
            private_key=key or self.key,
            verification_method=method or f"{did}#key-1",
            created="2026-01-01T00:00:00Z",
        )

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
