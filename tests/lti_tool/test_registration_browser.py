"""In Chromium: Dynamic Registration inside the LMS's dialog. The sandbox LMS's registration
page (on 127.0.0.1, like Moodle's "Add LTI Advantage") frames the tool's registration page
(the live server on localhost, another site) before any platform record exists. The frame
must render (frame-ancestors allows the registering platform), the administrator names the
platform and registers, and the LMS receives org.imsglobal.lti.close (issue 11 part 3)."""

import pytest

from lms_sandbox.seed import connect_tool
from lti_tool.models import Platform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registration_inside_the_lms_dialog(browser_page, live_server, settings):
    settings.LTI_ALLOW_HTTP_PLATFORMS = True
    settings.LTI_PRIVATE_NETWORK_PLATFORMS = True
    settings.PUBLIC_BASE_URL = live_server.url
    lms = live_server.url.replace("localhost", "127.0.0.1")
    assert lms != live_server.url
    sp, manual = connect_tool(
        flavour="moodle", tool_base_url=live_server.url, sandbox_base_url=lms, slug="dialog"
    )
    manual.delete()  # the tool knows nothing of this LMS yet: no frame-ancestors from a record
    page = browser_page
    page.goto(f"{lms}/sandbox/dialog/register")
    page.fill("input[name=registration_url]", f"{live_server.url}/lti/register/")
    page.click("form button[type=submit]")
    dialog = page.frame_locator("iframe[title='Tool registration']")
    name = dialog.locator("input#name")
    name.wait_for(timeout=20_000)  # a frame blocked by frame-ancestors never shows the form
    assert name.input_value() == ""  # a loopback LMS has no sensible default name
    name.fill("Example University Moodle")
    dialog.locator("button#register").click()
    dialog.locator("#registered-status").wait_for(timeout=20_000)
    assert dialog.locator("#registered-status").inner_text() == "pending approval"
    assert dialog.locator("#registered-issuer").inner_text() == sp.issuer
    sp.refresh_from_db()
    assert dialog.locator("#registered-client-id").inner_text() == sp.client_id
    assert dialog.locator("#registered-deployment").inner_text() == sp.deployment_id
    # The sandbox page, like Moodle's tool_configure_controller.js, closes the dialog on
    # org.imsglobal.lti.close (here: it goes back to the platform page).
    dialog.locator("button#close").click()
    # wait_for_url, not a sleep loop: the sync API updates page.url only while a Playwright
    # call is running, so a loop of time.sleep never saw a navigation that came after the click.
    page.wait_for_url(lambda url: url.rstrip("/") == f"{lms}/sandbox/dialog", timeout=20_000)
    platform = Platform.objects.get(issuer=sp.issuer, client_id=sp.client_id)
    assert platform.name == "Example University Moodle" and platform.status == "pending"
