"""The deep linking picker in Chromium, inside the LMS's frame, on a phone and a desktop:
the instructor reads the choices, picks the credential, and the page fits (no sideways
scroll) with no serious axe-core violation."""

from __future__ import annotations

import pytest

from tests.pages.sweep_checks import axe_serious

from .test_browser import open_in_lms
from .world import deep_link_launch, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.mark.parametrize("width", [390, 1280])
def test_picker_fits_and_is_accessible(browser_page, live_server, width):
    world = make_world(achievement_name="Data Literacy Badge")
    token = deep_link_launch(world, live_server.url)
    browser_page.set_viewport_size({"width": width, "height": 900})
    frame = open_in_lms(browser_page, live_server, f"/lti/deep-link/?lt={token}")
    choice = frame.get_by_role("radio", name="Data Literacy Badge")
    assert choice.is_checked()  # the course's credential is the first choice
    assert frame.get_by_role("radio", name="A new credential (describe it below)").is_visible()
    assert frame.locator("html").evaluate(f"() => {NO_OVERFLOW}")
    assert axe_serious(browser_page) == []
