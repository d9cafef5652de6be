"""The QA console in Chromium: dates in the viewer's locale and time zone, filters from the
keyboard. (What each console page says: test_console_page_texts.py; every console page's fit
at 390 px and 1280 px, axe-core and the keyboard walk: the every-page sweep,
tests/pages/test_every_page.py.)"""

from __future__ import annotations

import re

import pytest

from .browser_helpers import qa_user, sign_in
from .console_world import console_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dates_follow_the_browsers_locale_and_time_zone(browser_page, live_server):
    w, _ = console_world()
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
    w, _ = console_world()
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
