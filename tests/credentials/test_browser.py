"""The public credential page in Debian's Chromium: accessible, images load, links work."""

import os
import uuid

import pytest
from django.utils import timezone

from credentials import demo
from credentials.credential_issuance import issue_credential
from credentials.issuers import get_or_create_issuer
from credentials.jose_forms import stored_ob_jwt
from tests.pages.sweep_checks import axe_serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _demo_credential(live_server, settings, *, learner: int):
    """The demo's credential for one of its learners, issued by the real pipeline and served
    by the live server."""
    settings.PUBLIC_BASE_URL = live_server.url
    issuer = get_or_create_issuer(slug="uni", name="Example University", url="https://example.edu")
    achievement = demo.demo_achievement(live_server.url)
    cid = uuid.uuid4()
    return issue_credential(
        issuer=issuer,
        credential_id=cid,
        achievement=achievement,
        subject=demo.demo_subject(learner),
        results=demo.demo_results(achievement),
        evidence=demo.demo_evidence(live_server.url, str(cid)),
        valid_from=timezone.now().replace(microsecond=0),
    )


def test_credential_page_is_accessible_and_complete(browser_page, live_server, settings):
    credential = _demo_credential(live_server, settings, learner=3)
    page = browser_page
    page.goto(f"{live_server.url}/credentials/{credential.pk}")
    assert page.locator("h1").inner_text() == "Digital Skills Essentials"
    assert page.get_by_role("heading", name="Verified").is_visible()
    for img in ("img.badge-image", "img[alt='QR code linking to this page']"):
        width = page.locator(img).evaluate("el => el.complete && el.naturalWidth")
        assert width and width > 0, img
    assert page.get_by_role("row", name="Evaluating data").count() == 1
    link = page.get_by_role("link", name="Add to LinkedIn").get_attribute("href")
    assert "CERTIFICATION_NAME" in link and str(credential.pk) in link
    if os.environ.get("CREDENTIALS_SCREENSHOT"):
        page.screenshot(path=os.environ["CREDENTIALS_SCREENSHOT"], full_page=True)

    assert axe_serious(page) == []


def test_verify_page_is_accessible_and_verifies_a_paste(browser_page, live_server, settings):
    credential = _demo_credential(live_server, settings, learner=4)
    page = browser_page
    page.goto(f"{live_server.url}/credentials/verify")
    page.get_by_label("Credential: its JSON, or its JWT (either form)").fill(
        stored_ob_jwt(credential)
    )
    page.get_by_role("button", name="Verify").click()
    # is_visible() does not wait for the answer page; wait_for() does.
    page.get_by_role("heading", name="Verified").wait_for()
    checks = page.get_by_role("table", name="What was checked")
    assert checks.get_by_role("row").count() == 6  # the header and the five parts

    assert axe_serious(page) == []
