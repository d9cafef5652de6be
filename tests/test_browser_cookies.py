"""The tests' Chromium blocks third-party cookies, as a learner's Chrome does.

The browser tests run Chromium's headless build where it is installed (tests/conftest.py),
which lets third-party cookies through unless it is told not to (tests/browser.py,
BLOCK_THIRD_PARTY_COOKIES). A browser that let them through would pass a launch that only
works with them; this test fails instead.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from tests.http_servers import TwoSites

pytestmark = pytest.mark.browser


def _answer(sites: TwoSites, path: str, headers: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """The course page frames the tool, which sets a cookie and shows what came back."""
    if path == "/course":
        return {}, f'<!doctype html><iframe id="tool" src="{sites.tool}/set"></iframe>'
    if path.endswith("/set"):
        # What a tool's login sets: SameSite=None; Secure (localhost counts as secure), the
        # only kind a browser might send in a cross-site frame.
        cookie = {"Set-Cookie": "state=abc; SameSite=None; Secure; Path=/"}
        return cookie, '<!doctype html><script>location.replace("/check");</script>'
    return {}, f'<!doctype html><p id="got">[{headers.get("Cookie", "")}]</p>'


@pytest.fixture
def site():
    site = TwoSites(_answer)
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
