"""Playwright in Debian's Chromium at a phone's width: the instructor asks to revoke inside
the LMS iframe, QA confirms in the console, and no page of the way scrolls sideways. (Each of
these pages at 390 px and 1280 px with axe-core and the keyboard walk: the every-page sweep,
test_every_page.py, which this test no longer repeats at a second width; ADR 0082.)"""

import pytest
from django.contrib.auth.models import Group, User

from awarding.models import Award, InstitutionSetting, StatusChange
from rubrics.models import QA_GROUP, QAScope

from .test_browser import open_in_lms
from .world import issue, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_a_revocation_asked_in_the_lms_and_confirmed_by_qa_fits_a_phone(browser_page, live_server):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 900})
    w = make_world()
    ada = w.learners[0]
    award = issue(w, ada)
    InstitutionSetting.objects.update_or_create(
        platform=w.platform,
        defaults={"status_change_confirmers": InstitutionSetting.Confirmers.QA_OR_COLLEAGUE},
    )
    token = w.launch(w.instructor, "instructor").token

    # The instructor asks, inside the LMS iframe.
    frame = open_in_lms(page, live_server, f"/course/?lt={token}")
    frame.get_by_role("link", name="Revoke").first.click()
    frame.get_by_role("heading", name="Ask to revoke a credential").wait_for()
    assert frame.locator("html").evaluate(OVERFLOW) <= 0
    frame.get_by_label("Reason for the learner").fill("The essay was submitted by someone else")
    frame.get_by_label("Reason the public page shows").select_option("misconduct")
    frame.get_by_role("button", name="Ask for confirmation").click()
    frame.get_by_role("heading", name="Request to change a credential").wait_for()
    frame.get_by_role("button", name="Withdraw my request").wait_for()
    assert frame.locator("html").evaluate(OVERFLOW) <= 0
    change = StatusChange.objects.get()
    # A colleague's confirmation page inside the LMS.
    colleague = w.instructor.__class__.objects.create(
        platform=w.platform, sub="teacher-two", name="Colin Colleague"
    )
    other = w.launch(colleague, "instructor").token
    page.goto(f"{live_server.url}/course/status-changes/{change.uuid}?lt={other}")
    page.get_by_role("button", name="Confirm").wait_for()
    assert page.evaluate(OVERFLOW) <= 0

    # QA confirms in the console.
    user = User.objects.create_user("qa-b", password="pw-Strong-123")
    user.groups.add(Group.objects.get_or_create(name=QA_GROUP)[0])
    QAScope.objects.create(user=user, platform=w.platform)
    page.goto(f"{live_server.url}/qa/awards/status-changes")
    page.get_by_label("Username").fill("qa-b")
    page.get_by_label("Password").fill("pw-Strong-123")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Requests to revoke or suspend").wait_for()
    assert page.evaluate(OVERFLOW) <= 0
    page.get_by_role("link", name="Revoke: Data Literacy Badge of Ada Lovelace").click()
    page.get_by_role("heading", name="Request to change a credential").wait_for()
    assert page.evaluate(OVERFLOW) <= 0
    page.get_by_role("button", name="Confirm").click()
    # (The message list shown after a form is another item of the same issue.)
    page.get_by_text("Confirmed: the credential has changed").wait_for()
    award.refresh_from_db()
    assert award.state == Award.State.REVOKED

    # The learner's page says so, in the LMS.
    frame = open_in_lms(page, live_server, f"/learner/?lt={w.launch(ada).token}")
    # (The learner page's own width at 390 px is another item of the same issue.)
    frame.get_by_text("because The essay was submitted by someone else").first.wait_for()
