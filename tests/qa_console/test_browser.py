"""Playwright in Debian's Chromium: the QA console's award pages, a top-level page with
Django auth (the rubric review in the console is in tests/rubrics/test_browser.py, after the
editor that submits the version)."""

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from awarding.models import Award
from rubrics.models import QA_GROUP, QAScope
from tests.pages.world import issue, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_decisions_filter_and_a_flagged_award_revoked(browser_page, live_server):
    w = make_world()
    ada = w.learners[0]
    award = issue(w, ada)
    lowered = w.decide(ada, {"search": 2, "evaluate": 7})
    Award.objects.filter(pk=award.pk).update(
        state=Award.State.FLAGGED,
        flag_decision=lowered,
        flag_reason="A later evaluation is not_met",
    )
    user = User.objects.create_user("qa-b", password="pw-Strong-123")
    user.groups.add(Group.objects.get_or_create(name=QA_GROUP)[0])
    QAScope.objects.create(user=user, platform=w.platform)
    page = browser_page
    page.goto(f"{live_server.url}/qa/awards/")
    page.get_by_label("Username").fill("qa-b")
    page.get_by_label("Password").fill("pw-Strong-123")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Decisions").wait_for()
    page.get_by_label("Outcome").select_option("not_met")
    page.get_by_role("button", name="Filter").click()
    # The filtered page has the same heading: wait for its URL and let the count retry, since
    # count() reads whatever DOM is there the moment it is called (CI once read 0 rows).
    page.wait_for_url("**outcome=not_met**")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    assert "Ada Lovelace" in rows.first.inner_text()
    page.get_by_role("link", name="Flagged awards").click()
    card = page.get_by_role("region", name="Data Literacy Badge — Ada Lovelace")
    # The later evaluation in words (not the stored code 'not_met').
    said = card.inner_text()
    assert "Does not meet the rubric." in said and "“Search data”: 2 is below" in said
    card.get_by_label("Reason for revoking").fill("Grade corrected after an appeal")
    card.get_by_role("button", name="Revoke").click()
    page.get_by_role("heading", name="Revocations").wait_for()
    assert "Grade corrected after an appeal" in page.locator("tbody").inner_text()
    award.refresh_from_db()
    assert award.state == Award.State.REVOKED
    # The public page says so at once.
    page.goto(f"{live_server.url}/credentials/{award.uuid}")
    assert "revoked" in page.locator("main").inner_text().lower()
