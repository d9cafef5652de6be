"""The tests' Chromium blocks third-party cookies, as a learner's Chrome does.

The browser tests run Chromium's headless build where it is installed (tests/conftest.py),
which lets third-party cookies through unless it is told not to (tests/browser.py,
BLOCK_THIRD_PARTY_COOKIES). A browser that let them through would pass a launch that only
works with them; this test fails instead.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.http_servers import serve_in_thread

pytestmark = pytest.mark.browser


class CookieSite:
    """One server on 127.0.0.1 reached as two sites: `127.0.0.1` (the course page) frames
    `localhost` (the tool), which sets a cookie and then shows the cookies it got back."""

    def __init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                headers = {"Content-Type": "text/html; charset=utf-8"}
                if self.path == "/course":
                    body = f'<!doctype html><iframe id="tool" src="{owner.tool}/set"></iframe>'
                elif self.path == "/set":
                    # What a tool's login sets: SameSite=None; Secure (localhost counts as
                    # secure), the only kind a browser might send in a cross-site frame.
                    headers["Set-Cookie"] = "state=abc; SameSite=None; Secure; Path=/"
                    body = '<!doctype html><script>location.replace("/check");</script>'
                else:
                    cookie = self.headers.get("Cookie", "")
                    body = f'<!doctype html><p id="got">[{cookie}]</p>'
                data = body.encode()
                self.send_response(200)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self.server.server_port
        self.lms, self.tool = f"http://127.0.0.1:{port}", f"http://localhost:{port}"
        serve_in_thread(self.server)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    site = CookieSite()
    yield site
    site.stop()


def test_a_cross_site_frame_gets_no_cookie_back(browser_page, site):
    browser_page.goto(f"{site.lms}/course")
    got = browser_page.frame_locator("#tool").locator("#got")
    got.wait_for(timeout=30_000)
    assert got.inner_text() == "[]"


def test_the_same_cookie_comes_back_to_the_tool_opened_on_its_own(browser_page, site):
    # The contrast: first-party, the cookie the frame could not keep comes back.
    browser_page.goto(f"{site.tool}/set")
    got = browser_page.locator("#got")
    got.wait_for(timeout=30_000)
    assert got.inner_text() == "[state=abc]"
