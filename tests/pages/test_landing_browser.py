"""The landing page and an issuer's page in Chromium, on a phone (390 px): styled, nothing
scrolls sideways, the links lead on. (Both pages at 390 px and 1280 px with axe-core and the
keyboard walk: the every-page sweep, test_every_page.py; ADR 0082.)"""

from __future__ import annotations

import pytest

from .world import issue, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
# The stylesheet really applied (an unstyled page would pass the overflow check vacuously).
STYLED = "getComputedStyle(document.querySelector('.site-header')).display === 'flex'"


def test_landing_page_fits_and_leads_to_verification(browser_page, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/")
    page.get_by_role("heading", level=1).wait_for()
    assert page.get_by_role("heading", name="LMS administrators").is_visible()
    assert page.locator("#registration-url").inner_text() == f"{live_server.url}/lti/register/"
    assert page.evaluate(STYLED)
    assert page.evaluate(NO_OVERFLOW), page.evaluate("document.documentElement.scrollWidth")
    page.get_by_role("link", name="Check it on the verification page").click()
    page.get_by_role("heading", name="Verify a credential").wait_for()


def test_issuer_page_fits_and_links_its_achievements(browser_page, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    world = make_world(achievement_name="Data Literacy Badge")
    award = issue(world, world.learners[0])
    issuer_url = award.credential.data["issuer"]["url"]
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(issuer_url)  # what a person clicking the credential's issuer link sees
    page.get_by_role("heading", level=1, name=award.credential.issuer.name).wait_for()
    assert page.evaluate(STYLED)
    assert page.evaluate(NO_OVERFLOW), page.evaluate("document.documentElement.scrollWidth")
    page.get_by_role("link", name="Data Literacy Badge").click()
    page.get_by_role("heading", level=1, name="Data Literacy Badge").wait_for()
