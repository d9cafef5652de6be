"""In Chromium: the tool inside a cross-site LMS iframe, where its state cookie does not come
back (third-party cookies blocked, as headless Chromium does). The launch succeeds through the
LTI client-side postMessage storage the platform page offers; without it the login step, before
it sends the browser to the platform, offers a new window, where the launch succeeds. The
platform here is a small page set served over real HTTP on 127.0.0.1; the tool is the live
server on localhost (another site). The sandbox LMS's flavours: test_cookieless_launch.py."""

import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils.html import escape

from lti_tool.models import Deployment, Platform
from lti_tool.signals import launch_verified
from tests.http_servers import serve_in_thread

from .platform import LEARNER, LTI, FakePlatform, KeySetServer

pytestmark = pytest.mark.django_db(transaction=True)

FORWARDER = """<!doctype html><script>
var store = {};
window.addEventListener("message", function (e) {
  var m = e.data || {};
  if (m.subject !== "lti.put_data" && m.subject !== "lti.get_data") { return; }
  if (m.subject === "lti.put_data") { store[m.key] = m.value; }
  fetch("/seen?op=" + m.subject + "&origin=" + encodeURIComponent(e.origin));
  e.source.postMessage({subject: m.subject + ".response", message_id: m.message_id,
                        key: m.key, value: store[m.key]}, e.origin);
});
</script>"""


class BrowserPlatform:
    """Course page (with or without the storage frame), forwarder, OIDC auth, JWKS."""

    def __init__(self, tool: str, *, storage: bool) -> None:
        self.tool, self.storage, self.seen = tool, storage, []
        self.auth_requests = 0
        self.jwks = KeySetServer()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _html(self, body: str) -> None:
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/jwks":
                    body = json.dumps({"keys": owner.jwks.keys}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(body)
                elif url.path == "/course":
                    self._html(owner.course_page())
                elif url.path == "/forwarder":
                    self._html(FORWARDER)
                elif url.path == "/seen":
                    owner.seen.append((query["op"], query["origin"]))
                    self._html("")
                elif url.path == "/auth":
                    owner.auth_requests += 1
                    self._html(owner.auth_answer(query))
                else:
                    self.send_error(404)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.lms = FakePlatform(self.jwks)
        self.lms.issuer = self.base
        serve_in_thread(self.server)

    def course_page(self) -> str:
        fields = {
            "iss": self.base,
            "login_hint": "user-7",
            "client_id": self.lms.client_id,
            "target_link_uri": self.tool + "/lti/launch/",
            "lti_message_hint": "m1",
            "lti_storage_target": "post_message_forwarding",
        }
        inputs = "".join(
            f'<input type="hidden" name="{k}" value="{escape(v)}">' for k, v in fields.items()
        )
        frame = (
            '<iframe name="post_message_forwarding" src="/forwarder"></iframe>'
            if self.storage
            else ""
        )
        return (
            f"<!doctype html><title>Course</title>{frame}"
            f'<form id="f" method="post" action="{self.tool}/lti/login/" target="tool">'
            f"{inputs}</form>"
            '<iframe name="tool" id="tool" style="width:900px;height:700px"></iframe>'
            "<script>window.onload = function () { document.getElementById('f').submit(); };"
            "</script>"
        )

    def auth_answer(self, query: dict) -> str:
        assert query["redirect_uri"] == self.tool + "/lti/launch/"
        claims = self.lms.claims(nonce=query["nonce"], tool=self.tool, roles=[LEARNER])
        claims[LTI + "target_link_uri"] = self.tool + "/lti/launch/"
        token = self.lms.sign(claims)
        return (
            f'<!doctype html><form id="r" method="post" action="{query["redirect_uri"]}">'
            f'<input type="hidden" name="id_token" value="{token}">'
            f'<input type="hidden" name="state" value="{escape(query["state"])}">'
            '<input type="hidden" name="lti_storage_target" value="post_message_forwarding">'
            "</form><script>document.getElementById('r').submit();</script>"
        )

    def register(self) -> None:
        row = Platform.objects.create(
            name="Browser LMS",
            flavour="canvas",
            issuer=self.base,
            client_id=self.lms.client_id,
            auth_login_url=self.base + "/auth",
            auth_token_url=self.base + "/token",
            key_set_url=self.base + "/jwks",
        )
        Deployment.objects.create(platform=row, deployment_id=self.lms.deployment_id)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def refusals(caplog) -> list[str]:
    return [
        r.getMessage().split()[4]
        for r in caplog.records
        if r.name == "credbridge.lti" and r.getMessage().startswith("LTI refused")
    ]


@pytest.mark.parametrize("storage", [True, False], ids=["platform-storage", "no-storage"])
def test_launch_in_a_cross_site_iframe(browser_page, live_server, storage, caplog):
    caplog.set_level("WARNING", logger="credbridge.lti")
    lms = BrowserPlatform(live_server.url, storage=storage)
    verified = []

    def on_launch(sender, launch, **kwargs):
        verified.append(launch)

    launch_verified.connect(on_launch)
    try:
        lms.register()
        browser_page.goto(lms.base + "/course")
        if storage:
            deadline = time.time() + 45
            while not verified and time.time() < deadline:
                time.sleep(0.2)
            # The launch was verified (in the live server) for this user ...
            assert [launch.user_sub for launch in verified] == ["user-7"]
            # ... and the Lax state cookie did not come back on the cross-site POST: the login
            # put the browser secret into the platform's storage and the launch read it back.
            assert [op for op, _ in lms.seen] == ["lti.put_data", "lti.get_data"]
            assert {origin for _, origin in lms.seen} == {live_server.url}
        else:
            # No storage, no cookie in the frame: the login step offers a window of its own
            # before it sends the browser to the platform (whose hint may be single-use).
            frame = browser_page.frame_locator("#tool")
            button = frame.get_by_role("button", name="Open Credbridge in a new window")
            button.wait_for(timeout=30_000)
            assert lms.auth_requests == 0 and verified == []
            with browser_page.context.expect_page() as opened:
                button.click()
            deadline = time.time() + 45
            while not verified and time.time() < deadline:
                time.sleep(0.2)
            assert [launch.user_sub for launch in verified] == ["user-7"]
            opened.value.wait_for_url(lambda url: url.startswith(live_server.url + "/"))
            assert lms.auth_requests == 1
            assert lms.seen == [] and refusals(caplog) == []
    finally:
        launch_verified.disconnect(on_launch)
        lms.stop()
