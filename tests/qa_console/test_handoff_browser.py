"""In Chromium: an LMS administrator inside the cross-site LMS iframe (where the tool's
cookies never come back) clicks "Open QA console"; a new top-level window opens, spends the
one-minute handoff code (the page's nonce'd script posts it, under the strict CSP) and shows
the QA console with an ordinary first-party session."""

import time

import pytest

from audit.models import AuditEvent
from tests.lti_tool.platform import INSTRUCTOR, LTI
from tests.lti_tool.test_browser_storage import BrowserPlatform

pytestmark = pytest.mark.django_db(transaction=True)
ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"


class AdminPlatform(BrowserPlatform):
    def auth_answer(self, query: dict) -> str:
        claims = self.lms.claims(nonce=query["nonce"], tool=self.tool, roles=[INSTRUCTOR, ADMIN])
        claims[LTI + "target_link_uri"] = self.tool + "/lti/launch/"
        token = self.lms.sign(claims)
        return (
            f'<!doctype html><form id="r" method="post" action="{query["redirect_uri"]}">'
            f'<input type="hidden" name="id_token" value="{token}">'
            f'<input type="hidden" name="state" value="{query["state"]}">'
            '<input type="hidden" name="lti_storage_target" value="post_message_forwarding">'
            "</form><script>document.getElementById('r').submit();</script>"
        )


def test_admin_opens_the_qa_console_from_the_lms_iframe(browser_page, live_server):
    lms = AdminPlatform(live_server.url, storage=True)
    try:
        lms.register()
        browser_page.goto(lms.base + "/course")
        frame = browser_page.frame_locator("#tool")
        button = frame.get_by_role("button", name="Open QA console")
        button.wait_for(timeout=45_000)
        # Inside the iframe the tool has no session cookie (cross-site, SameSite=Lax on http).
        tool_cookies = browser_page.context.cookies(live_server.url)
        assert not [c for c in tool_cookies if c["name"] == "sessionid"]
        with browser_page.expect_popup(timeout=30_000) as opened:
            button.click()
        console = opened.value
        console.wait_for_url("**/qa/", timeout=30_000)
        assert console.get_by_role("heading", name="Rubric versions waiting for you").is_visible()
        assert [c for c in console.context.cookies(live_server.url) if c["name"] == "sessionid"]
        # Ordinary session from now on: the audit log page opens by a plain link.
        console.get_by_role("link", name="Audit log").click()
        console.wait_for_url("**/qa/audit/", timeout=30_000)
        assert "qa_console.handoff" in console.content()
        # A second click, now that the browser holds a console session: still a handoff.
        with browser_page.expect_popup(timeout=30_000) as again:
            button.click()
        again.value.wait_for_url("**/qa/", timeout=30_000)
        deadline = time.time() + 10
        while AuditEvent.objects.filter(action="qa_console.handoff").count() < 2:
            assert time.time() < deadline
            time.sleep(0.2)
    finally:
        lms.stop()
