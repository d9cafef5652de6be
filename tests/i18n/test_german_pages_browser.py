"""German and Spanish words are longer than English ones: the pages of a launch in German or
Spanish, and the public pages in the browser's language, still fit a 390 px phone (no sideways
scrolling) and pass axe-core with no serious or critical violation, in Debian's Chromium."""

from __future__ import annotations

import pytest

from lti_tool.launch_context import start_launch_session
from tests.pages.sweep_checks import OVERFLOW, axe_serious
from tests.pages.world import issue, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADINGS = {"de": "Ihre Nachweise in", "es": "Tus credenciales en"}


def _launch(world, person, locale: str, *roles: str):
    return start_launch_session(
        platform_id=world.platform.pk,
        deployment_id="dep-1",
        context_id=world.course.context_id,
        course_id=world.course.pk,
        user_sub=person.sub,
        learner_id=person.pk,
        roles=set(roles or ("learner",)),
        name=person.name,
        locale=locale,
    )


def _fits_and_passes_axe(page, url: str, language: str) -> None:
    page.locator("main").wait_for()
    assert page.evaluate("document.documentElement.lang") == language, url
    box = page.evaluate(OVERFLOW)
    assert box["scroll"] <= box["client"], f"{url}: {box['scroll']} px in {box['client']}: {box}"
    assert axe_serious(page) == [], url


@pytest.mark.parametrize("language", ["de", "es"])
def test_pages_in_german_and_spanish_fit_390_px_and_pass_axe(browser_page, live_server, language):
    w = make_world()
    w.achievement.validity_days = 365
    w.achievement.save()
    ada, grace, _ = w.learners
    award = issue(w, ada)
    w.decide(grace, {"search": 3})  # a learner on the way: the progress table
    browser_page.set_viewport_size({"width": 390, "height": 844})
    locale = {"de": "de-DE", "es": "es_ES"}[language]
    inside = [
        f"/learner/?lt={_launch(w, ada, locale).token}",
        f"/learner/?lt={_launch(w, grace, locale).token}",
        f"/course/?lt={_launch(w, w.instructor, locale, 'instructor').token}",
    ]
    for url in inside:
        browser_page.goto(f"{live_server.url}{url}")
        _fits_and_passes_axe(browser_page, url, language)
    browser_page.goto(f"{live_server.url}{inside[0]}")
    assert HEADINGS[language] in browser_page.locator("h1").first.inner_text()

    # Public pages: the browser's language.
    browser_page.set_extra_http_headers({"Accept-Language": language})
    for url in ("/", f"/credentials/{award.uuid}", "/credentials/verify"):
        browser_page.goto(f"{live_server.url}{url}")
        _fits_and_passes_axe(browser_page, url, language)
