"""A small LMS over real HTTP (http.server thread on 127.0.0.1), for the service-client tests.

It serves AGS/NRPS the way the captured Moodle 4.5 and Canvas payloads show (media types,
`?type_id=` URLs, `&amp;` in Moodle's `Link` header, Canvas's quoted rels without spaces),
checks client assertions against the tool's public JWK, and takes fault injections.
The sandbox LMS of the project is the full platform; this one pins the captured contracts.
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt

from tests.http_servers import serve_in_thread

LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS = "application/vnd.ims.lis.v2.lineitemcontainer+json"
RESULTS = "application/vnd.ims.lis.v2.resultcontainer+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
MEMBERS = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
# The start of the page Moodle 4.5 answers (404) when results.php fails on `limit`.
MOODLE_ERROR_PAGE = (
    '<!DOCTYPE html>\n<html  dir="ltr" lang="en" xml:lang="en">\n<head>\n'
    '<title>Error | Moodle</title></head><body><div class="errorbox alert alert-danger">'
    '<p class="errormessage">Exception - Call to a member function out() on null</p>'
    "</div></body></html>"
)


class FakeLMS:
    def __init__(self, *, flavour: str, public_jwk: dict, client_id: str = "client-1") -> None:
        self.flavour = flavour
        self.client_id = client_id
        self.public_key = jwt.PyJWK(public_jwk).key
        self.granted = {
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
            "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
            "https://purl.imsglobal.org/spec/lti-ags/scope/score",
            "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
        }
        self.tokens: dict[str, set[str]] = {}
        self.token_requests: list[dict] = []
        self.requests: list[tuple[str, str]] = []
        self.line_items: dict[int, dict] = {}
        self.results: dict[int, dict[str, dict]] = {}  # line item id -> user -> result
        self.scores: list[dict] = []
        self.members: list[dict] = []
        self.page_size = 2
        self.faults: list[dict] = []
        self.next_id = 1
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.results_delay_s = 0.0
        self.in_flight = self.most_in_flight = 0  # result pages being answered at once
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    # --- setup ---------------------------------------------------------------------------
    def start(self) -> FakeLMS:
        self.thread = serve_in_thread(self.server)
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def token_url(self) -> str:
        return self.base + "/token"

    @property
    def lineitems_url(self) -> str:
        return self.base + (
            "/mod/lti/services.php/2/lineitems?type_id=1"
            if self.flavour == "moodle"
            else "/api/lti/courses/101/line_items"
        )

    @property
    def memberships_url(self) -> str:
        return self.base + "/nrps/memberships"

    def line_item_url(self, item_id: int) -> str:
        if self.flavour == "moodle":
            return f"{self.base}/mod/lti/services.php/2/lineitems/{item_id}/lineitem?type_id=1"
        return f"{self.base}/api/lti/courses/101/line_items/{item_id}"

    def add_line_item(self, **data) -> dict:
        with self.lock:
            item_id = self.next_id
            self.next_id += 1
            item = {"id": self.line_item_url(item_id), **data}
            self.line_items[item_id] = item
            self.results[item_id] = {}
            return item

    def set_result(self, item_id: int, user_id: str, score: float, maximum: float = 100, **extra):
        result = {
            "id": f"{self.line_item_url(item_id)}/results/{user_id}",
            "scoreOf": self.line_item_url(item_id),
            "userId": user_id,
            "resultScore": score,
            "resultMaximum": maximum,
            **extra,
        }
        self.results[item_id][user_id] = result

    def inject(self, *, match: str, status: int, body: str = "", headers=None, times: int = 1):
        """The next `times` requests whose path contains `match` get this answer instead."""
        self.faults.append(
            {
                "match": match,
                "status": status,
                "body": body,
                "headers": headers or {},
                "times": times,
            }
        )

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    def count(self, needle: str) -> int:
        return sum(1 for _, path in self.requests if needle in path)


def _handler(lms: FakeLMS):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def _send(self, status: int, body, ctype: str = "application/json", headers=None):
            data = (
                body
                if isinstance(body, bytes)
                else (body.encode() if isinstance(body, str) else json.dumps(body).encode())
            )
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else b""

        def _fault(self) -> bool:
            for fault in lms.faults:
                needles = fault["match"] if isinstance(fault["match"], tuple) else (fault["match"],)
                if all(n in self.path for n in needles) and fault["times"] > 0:
                    fault["times"] -= 1
                    if fault["status"] == 0:  # a timeout: answer too late
                        # An event, not a sleep: stop() wakes it, so no handler thread is
                        # still asleep (and then failing) when the test process exits.
                        if not lms.stopped.wait(1.5):
                            self._send(200, b"[]")
                        return True
                    self._send(
                        fault["status"],
                        fault["body"],
                        fault["headers"].get("Content-Type", "text/plain"),
                        fault["headers"],
                    )
                    return True
            return False

        def _auth(self, scope: str | tuple[str, ...]) -> bool:
            header = self.headers.get("Authorization", "")
            granted = lms.tokens.get(header.removeprefix("Bearer "))
            wanted = (scope,) if isinstance(scope, str) else scope
            if granted is None or not granted & set(wanted):
                self._send(
                    401, {"errors": {"type": "unauthorized", "message": "Access token expired"}}
                )
                return False
            return True

        def _accept_ok(self, media: str) -> bool:
            if lms.flavour == "moodle" and self.headers.get("Accept") != media:
                self._send(400, {"status": 400, "reason": "No handler found"})
                return False
            return True

        def _page(self, items: list, url: str, media: str) -> None:
            parts = urlsplit(url)
            query = parse_qs(parts.query)
            start = int(query.get("from", ["0"])[0])
            size = lms.page_size
            chunk = items[start : start + size]
            headers = {}
            if start + size < len(items):
                base_query = "&".join(
                    f"{k}={v[0]}" for k, v in query.items() if k not in ("from", "limit")
                )
                sep = "&" if base_query else ""
                nxt = f"{lms.base}{parts.path}?{base_query}{sep}from={start + size}"
                if lms.flavour == "moodle":
                    # As captured: HTML-escaped ampersands and typographic quotes.
                    nxt_link = nxt.replace("&", "&amp;")
                    headers["Link"] = f"<{nxt_link}>; rel=\u201cnext\u201d".encode().decode(
                        "latin-1"
                    )
                elif lms.flavour == "canvas":
                    headers["Link"] = f'<{url}>; rel="current",<{nxt}>; rel="next"'
                else:
                    headers["Link"] = f"<{nxt}>; rel=next"
            self._send(200, chunk, media + "; charset=utf-8", headers)

        def do_POST(self):
            lms.requests.append(("POST", self.path))
            raw = self._body()  # read first: a keep-alive connection must not keep it
            if self._fault():
                return
            if self.path.startswith("/token"):
                return self._token(raw)
            path = urlsplit(self.path).path
            if path.endswith("/scores"):
                if not self._auth("https://purl.imsglobal.org/spec/lti-ags/scope/score"):
                    return
                lms.scores.append(
                    {
                        "path": self.path,
                        "ctype": self.headers.get("Content-Type"),
                        **json.loads(raw),
                    }
                )
                return self._send(200, b"", SCORE)
            if not self._auth("https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"):
                return
            data = json.loads(raw)
            item = lms.add_line_item(**data)
            return self._send(201, item, LINEITEM)

        def _token(self, raw: bytes):
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            lms.token_requests.append(form)
            try:
                claims = jwt.decode(
                    form["client_assertion"],
                    lms.public_key,
                    algorithms=["RS256"],
                    audience=lms.token_url,
                    issuer=lms.client_id,
                )
                assert claims["sub"] == lms.client_id and claims["jti"]
            except Exception as exc:  # noqa: BLE001
                return self._send(400, {"error": "invalid_request", "error_description": str(exc)})
            asked = set(form.get("scope", "").split())
            missing = sorted(asked - lms.granted)
            if missing or not asked:
                return self._send(
                    400,
                    {
                        "error": "invalid_scope",
                        "error_description": "The following scopes were requested, "
                        "but not granted: " + " ".join(missing),
                    },
                )
            token = uuid.uuid4().hex
            lms.tokens[token] = asked
            ctype = "text/html; charset=utf-8" if lms.flavour == "moodle" else "application/json"
            self._send(
                200,
                {
                    "access_token": token,
                    "token_type": "Bearer",
                    "expires_in": 3600,
                    "scope": " ".join(sorted(asked)),
                },
                ctype,
            )

        def _is_one_line_item(self, path: str) -> bool:
            if lms.flavour == "moodle":
                return path.endswith("/lineitem")
            return path.rstrip("/").split("/")[-2] == "line_items"

        def _item_id(self) -> int:
            parts = urlsplit(self.path).path.split("/")
            idx = parts.index("lineitems" if lms.flavour == "moodle" else "line_items")
            return int(parts[idx + 1])

        def do_GET(self):
            lms.requests.append(("GET", self.path))
            results = "/results" in self.path
            with lms.lock:
                lms.in_flight += results
                lms.most_in_flight = max(lms.most_in_flight, lms.in_flight)
            try:
                if lms.results_delay_s and results:
                    lms.stopped.wait(lms.results_delay_s)  # an LMS that answers slowly
                self._get()
            finally:
                with lms.lock:
                    lms.in_flight -= results

        def _get(self):
            if self._fault():
                return
            path = urlsplit(self.path).path
            url = lms.base + self.path
            if path.startswith("/nrps"):
                if not self._auth(
                    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
                ):
                    return
                if not self._accept_ok(MEMBERS):
                    return
                query = parse_qs(urlsplit(self.path).query)
                start = int(query.get("from", ["0"])[0])
                chunk = lms.members[start : start + lms.page_size]
                headers = {}
                if start + lms.page_size < len(lms.members):
                    headers["Link"] = (
                        f'<{lms.memberships_url}?from={start + lms.page_size}>; rel="next"'
                    )
                body = {"id": url, "context": {"id": "2"}, "members": chunk}
                return self._send(200, body, MEMBERS, headers)
            if path.endswith("/results"):
                if not self._auth("https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"):
                    return
                if not self._accept_ok(RESULTS):
                    return
                item_id = self._item_id()
                if item_id not in lms.line_items:
                    return self._send(
                        404, {"errors": [{"message": "The specified resource does not exist."}]}
                    )
                limit = int(parse_qs(urlsplit(self.path).query).get("limit", ["0"])[0] or 0)
                if lms.flavour == "moodle" and limit > 0 and lms.results[item_id]:
                    # Moodle 4.5 results.php with `limit` and a grade: a PHP error, HTML 404.
                    return self._send(404, MOODLE_ERROR_PAGE, "text/html; charset=utf-8")
                return self._page(list(lms.results[item_id].values()), url, RESULTS)
            if self._is_one_line_item(path):
                if not self._auth(
                    (
                        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
                        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                    )
                ):
                    return
                if not self._accept_ok(LINEITEM):
                    return
                item = lms.line_items.get(self._item_id())
                if item is None:
                    return self._send(
                        404, {"errors": [{"message": "The specified resource does not exist."}]}
                    )
                return self._send(200, item, LINEITEM + "; charset=utf-8")
            if not self._auth(
                (
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                )
            ):
                return
            if not self._accept_ok(LINEITEMS):
                return
            return self._page(list(lms.line_items.values()), url, LINEITEMS)

        def do_PUT(self):
            lms.requests.append(("PUT", self.path))
            raw = self._body()
            if self._fault():
                return
            if not self._auth("https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"):
                return
            item_id = self._item_id()
            if item_id not in lms.line_items:
                return self._send(
                    404, {"errors": [{"message": "The specified resource does not exist."}]}
                )
            data = json.loads(raw)
            lms.line_items[item_id].update({k: v for k, v in data.items() if k != "id"})
            return self._send(200, lms.line_items[item_id], LINEITEM)

        def do_DELETE(self):
            lms.requests.append(("DELETE", self.path))
            if self._fault():
                return
            if not self._auth("https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"):
                return
            item_id = self._item_id()
            if lms.line_items.pop(item_id, None) is None:
                return self._send(
                    404, {"errors": [{"message": "The specified resource does not exist."}]}
                )
            lms.results.pop(item_id, None)
            return self._send(204, b"", "text/html")

    return Handler
