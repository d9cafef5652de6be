"""The tests' Chromium keeps sight of a cross-site iframe that visits its parent's site and
comes back, as an LTI launch's frame does (tool login -> the LMS's auth endpoint, on the
course page's site -> tool launch). With site isolation Playwright's driver lost such a frame
or failed an assertion (tests/browser.py, SITE_ISOLATION_OFF, says how); this test repeats
the round trip so that a Chromium started so again fails here, not now and then elsewhere."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.http_servers import serve_in_thread

pytestmark = pytest.mark.browser

# Round trips through the parent's site: one lost frame fails the test.
ROUND_TRIPS = 8


class HoppingSite:
    """One server on 127.0.0.1, reached as two sites: `127.0.0.1` (the LMS, parent page) and
    `localhost` (the tool, in the iframe)."""

    def __init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                url = urlsplit(self.path)
                left = int(parse_qs(url.query).get("left", ["0"])[0])
                body = owner.page(url.path, left).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self.server.server_port
        self.lms, self.tool = f"http://127.0.0.1:{port}", f"http://localhost:{port}"
        serve_in_thread(self.server)

    def page(self, path: str, left: int) -> str:
        go = "<!doctype html><script>location.replace({!r});</script>"
        if path == "/course":
            return f'<!doctype html><iframe id="tool" src="{self.tool}/tool?left={left}"></iframe>'
        if path == "/tool" and left == 0:
            return '<!doctype html><main><p id="arrived">Arrived</p></main>'
        if path == "/tool":
            return go.format(f"{self.lms}/auth?left={left}")
        return go.format(f"{self.tool}/tool?left={left - 1}")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_frame_that_returns_from_its_parents_site_stays_visible(browser_page):
    site = HoppingSite()
    try:
        browser_page.goto(f"{site.lms}/course?left={ROUND_TRIPS}")
        arrived = browser_page.frame_locator("#tool").locator("#arrived")
        arrived.wait_for(timeout=30_000)
        assert arrived.inner_text() == "Arrived"
    finally:
        site.stop()
