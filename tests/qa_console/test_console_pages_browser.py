"""Every QA console page in Chromium on a phone (390 px) and a desktop (1280 px): nothing
scrolls sideways, axe-core finds nothing serious or critical, dates are shown in the
viewer's locale and time zone, filters work from the keyboard."""

from __future__ import annotations

import re

import pytest

from assessments.models import Enrolment, Learner
from awarding.models import Award
from awarding.revoke import revoke_award
from tests.pages.test_browser import serious_violations
from tests.pages.world import issue, make_world

from .browser_helpers import NO_OVERFLOW, qa_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The console's stylesheet really applied (an unstyled page could pass vacuously).
STYLED = "getComputedStyle(document.querySelector('.site-header')).display === 'flex'"


def _console_world():
    w = make_world(
        learner_names=("Ana García-Fernández de la Concepción", "Grace Hopper", "Alan Turing")
    )
    ana, grace, alan = w.learners
    issued = issue(w, ana)
    flagged = issue(w, grace)
    Award.objects.filter(pk=flagged.pk).update(
        state=Award.State.FLAGGED, flag_decision=w.decide(grace, {"search": 2, "evaluate": 7})
    )
    revoked = issue(w, alan)
    head = Learner.objects.create(platform=w.platform, sub="head-1", name="Hedda Head")
    Enrolment.objects.create(course=w.course, learner=head, roles=["instructor"])
    revoke_award(
        award=revoked,
        reason="Grade corrected after an appeal",
        actor=f"lti:{w.platform.pk}:head-1",
    )
    return w, issued


def _pages(w, issued) -> dict[str, str]:
    decision = w.decisions[w.learners[0].pk]
    return {
        "/qa/": "Rubric versions waiting for you",
        f"/qa/versions/{w.version.pk}/": "Data skills",
        "/qa/awards/": "Decisions",
        f"/qa/awards/decisions/{decision.pk}": "Data Literacy Badge for",
        "/qa/awards/flagged": "Flagged awards",
        "/qa/awards/revocations": "Revocations",
        "/qa/awards/reports": "Reports",
        "/qa/audit/": "Audit log",
    }


@pytest.mark.parametrize("width", [390, 1280])
def test_every_console_page_fits_and_has_no_serious_axe_violation(browser_page, live_server, width):
    w, issued = _console_world()
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/qa/login/")
    assert page.evaluate(NO_OVERFLOW) and serious_violations(page) == []
    sign_in(page, live_server, qa_user(w.platform))
    measured = {}
    for path, heading in _pages(w, issued).items():
        page.goto(f"{live_server.url}{path}")
        assert heading in page.locator("main h1").inner_text(), path
        assert page.evaluate(STYLED), path
        measured[path] = page.evaluate("document.documentElement.scrollWidth")
        assert page.evaluate(NO_OVERFLOW), (path, measured[path])
        assert serious_violations(page) == [], path
    # People by name, role and platform; events as sentences (not user:1 / award.issued).
    page.goto(f"{live_server.url}/qa/audit/")
    table = page.get_by_test_id("audit-table").inner_text()
    assert "Hedda Head (instructor, Moodle at " in table and "revoked a credential" in table
    assert "Automatic awarding" in table and "award.issued" not in table
    page.goto(f"{live_server.url}/qa/awards/revocations")
    assert "Hedda Head (instructor" in page.get_by_test_id("revoked-by").first.inner_text()


def test_dates_follow_the_browsers_locale_and_time_zone(browser_page, live_server):
    w, _ = _console_world()
    context = browser_page.context.browser.new_context(
        locale="de-DE", timezone_id="America/New_York", viewport={"width": 390, "height": 900}
    )
    page = context.new_page()
    try:
        sign_in(page, live_server, qa_user(w.platform), "/qa/audit/")
        first = page.locator("time[data-local-time]").first
        first.wait_for()
        page.wait_for_selector("time[data-localised]")
        iso = first.get_attribute("datetime")
        expected = page.evaluate(
            """iso => new Intl.DateTimeFormat(navigator.languages, {year: "numeric",
            month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
            timeZoneName: "short"}).format(new Date(iso))""",
            iso,
        )
        shown = first.inner_text()
        assert shown == expected
        # German words and New York's zone, not the server's UTC rendering.
        assert re.search(r"\b(EST|EDT|GMT-[45]|UTC-[45])\b", shown), shown
        assert "UTC" in (first.get_attribute("title") or "")
    finally:
        context.close()


def test_filtering_decisions_with_the_keyboard_only(browser_page, live_server):
    w, _ = _console_world()
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 900})
    sign_in(page, live_server, qa_user(w.platform), "/qa/awards/")
    page.get_by_label("Learner (name or e-mail)").focus()
    page.keyboard.type("grace")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"learner=grace"))
    rows = page.get_by_test_id("decisions-table").locator("tbody tr")
    assert rows.count() >= 1
    assert all("Grace Hopper" in rows.nth(i).inner_text() for i in range(rows.count()))
    # The CSV link carries the same filter (exactly the rows shown).
    href = page.get_by_role("link", name="Download these decisions (CSV)").get_attribute("href")
    assert "learner=grace" in href
