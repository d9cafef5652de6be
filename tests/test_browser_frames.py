"""The tests' Chromium keeps sight of a cross-site iframe that visits its parent's site and
comes back, as an LTI launch's frame does (tool login -> the LMS's auth endpoint, on the
course page's site -> tool launch). With site isolation Playwright's driver lost such a frame
or failed an assertion (tests/browser.py, SITE_ISOLATION_OFF, says how); this test repeats
the round trip so that a Chromium started so again fails here, not now and then elsewhere."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.http_servers import TwoSites

pytestmark = pytest.mark.browser

# Round trips through the parent's site: one lost frame fails the test.
ROUND_TRIPS = 8


def _hop(sites: TwoSites, path: str, headers: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """The course page (the LMS's site) frames the tool, which goes to the LMS's auth page
    and back `left` more times before it arrives."""
    url = urlsplit(path)
    left = int(parse_qs(url.query).get("left", ["0"])[0])
    go = "<!doctype html><script>location.replace({!r});</script>"
    if url.path == "/course":
        return {}, f'<!doctype html><iframe id="tool" src="{sites.tool}/tool?left={left}"></iframe>'
    if url.path == "/tool" and left == 0:
        return {}, '<!doctype html><main><p id="arrived">Arrived</p></main>'
    if url.path == "/tool":
        return {}, go.format(f"{sites.lms}/auth?left={left}")
    return {}, go.format(f"{sites.tool}/tool?left={left - 1}")


def test_a_frame_that_returns_from_its_parents_site_stays_visible(browser_page):
    site = TwoSites(_hop)
    try:
        browser_page.goto(f"{site.lms}/course?left={ROUND_TRIPS}")
        arrived = browser_page.frame_locator("#tool").locator("#arrived")
        arrived.wait_for(timeout=30_000)
        assert arrived.inner_text() == "Arrived"
    finally:
        site.stop()
