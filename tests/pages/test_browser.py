"""Playwright in Debian's Chromium: the pages as the LMS shows them, inside an iframe.

The "LMS" here is a tiny page on the tool's own origin (routed by Playwright) that frames
the tool like a course page does; launches are simulated with `start_launch_session`.
"""

from urllib.parse import urlencode

import pytest

from assessments.models import Course, Enrolment, Learner, LineItem
from awarding.models import Achievement, AwardingRule
from lti_tool.launch_context import start_launch_session
from rubrics.models import Criterion, Rubric, RubricVersion

from .sweep_checks import axe_serious
from .world import make_platform, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_in_lms(page, live_server, path_and_query):
    """Show `path_and_query` of the tool in an iframe of an LMS-like page; return the frame."""
    lms_url = f"{live_server.url}/__test_lms_course_page__"
    html = (
        "<!doctype html><html lang='en'><head><title>Course page</title></head><body>"
        "<h1>LMS course</h1>"
        f"<iframe id='tool' title='Credbridge' src='{live_server.url}{path_and_query}' "
        "style='width:100%;height:1200px'></iframe></body></html>"
    )
    page.route(
        lms_url, lambda route: route.fulfill(status=200, content_type="text/html", body=html)
    )
    page.goto(lms_url)
    frame = page.frame_locator("#tool")
    frame.locator("main").wait_for()
    return frame


def test_guided_setup_in_the_lms_iframe(browser_page, live_server):
    platform = make_platform()
    course = Course.objects.create(platform=platform, context_id="b-setup", title="Browser course")
    teacher = Learner.objects.create(platform=platform, sub="t-b", name="Tess")
    Enrolment.objects.create(course=course, learner=teacher, roles=["Instructor"])
    launch = start_launch_session(
        platform_id=platform.pk,
        deployment_id="d",
        context_id="b-setup",
        course_id=course.pk,
        user_sub="t-b",
        learner_id=teacher.pk,
        roles={"instructor"},
        name="Tess",
    )
    frame = open_in_lms(browser_page, live_server, f"/course/?lt={launch.token}")
    # A first-time instructor lands on the dashboard and is pointed to the setup.
    frame.get_by_role("link", name="Start the setup").click()
    frame.get_by_role("heading", name="Set up a credential for Browser course").wait_for()
    frame.get_by_role("link", name="Describe the credential").click()
    frame.get_by_label("Name").fill("Browser Badge")
    frame.get_by_label("Description").fill("Shows data skills.")
    frame.get_by_label("Criteria").fill("Reach 5 of 10.")
    frame.get_by_label("Tags").fill("data, skills")
    frame.get_by_role("button", name="Save and continue").click()
    frame.get_by_text("Saved the credential").wait_for()
    assert frame.locator("#step-achievement").get_attribute("data-done") == "yes"
    assert frame.locator("#step-rubric").get_attribute("aria-current") == "step"
    rubric_link = frame.get_by_role("link", name="Write the rubric")
    assert urlencode({"lt": launch.token}) in rubric_link.get_attribute("href")
    # The rubric editor (rubrics app, tested there) creates the rubric and the LMS columns.
    rubric = Rubric.objects.create(course=course, title="R", created_by=f"lti:{platform.pk}:t-b")
    version = RubricVersion.objects.create(rubric=rubric, number=1, title="R", author="x")
    item = LineItem.objects.create(course=course, url="https://lms.example/li/b1", score_maximum=10)
    Criterion.objects.create(
        version=version, key="a", title="A", points=10, threshold=5, line_item=item
    )
    frame.locator("body").evaluate("() => window.location.reload()")  # the iframe only
    frame.get_by_text("learners would earn it now").wait_for()
    assert frame.locator("#step-line_items").get_attribute("data-done") == "yes"
    frame.get_by_label("When a learner meets the rubric").select_option("hold")
    frame.get_by_role("button", name="Submit for QA review").click()
    frame.get_by_text("Submitted for quality assurance").first.wait_for()
    assert frame.locator("#step-submit").get_attribute("data-done") == "yes"
    version.refresh_from_db()
    assert version.state == "submitted"
    assert AwardingRule.objects.get(course=course).mode == "hold"
    assert Achievement.objects.get(course=course).tags == ["data", "skills"]


def test_instructor_dashboard_in_the_iframe(browser_page, live_server):
    w = make_world()
    w.decide(w.learners[0], {"search": 9, "evaluate": 7})
    w.decide(w.learners[1], {"search": 3})
    frame = open_in_lms(
        browser_page, live_server, f"/course/?lt={w.launch(w.instructor, 'instructor').token}"
    )
    table = frame.get_by_role("region", name="Progress towards Data Literacy Badge")
    assert "Ada Lovelace" in table.inner_text()
    frame.get_by_label("When a learner meets the rubric").select_option("hold")
    frame.get_by_role("button", name="Save").click()
    frame.get_by_text("Saved: Hold for instructor confirmation.").wait_for()
    w.rule.refresh_from_db()
    assert w.rule.mode == "hold"


def test_learner_view_progress_and_accessibility(browser_page, live_server):
    w = make_world()
    ada = w.learners[0]
    w.decide(ada, {"search": 9.5})
    token = w.launch(ada).token
    frame = open_in_lms(browser_page, live_server, f"/learner/?lt={token}")
    progress = frame.get_by_role("table", name="Your progress towards Data Literacy Badge")
    text = progress.inner_text()
    assert "9.5" in text and "Advanced" in text and "Missing: not graded yet" in text
    # axe-core on the learner view itself (the content the iframe shows), with a criterion
    # not graded yet (the sweep's learner holds credentials).
    browser_page.goto(f"{live_server.url}/learner/?lt={token}")
    assert axe_serious(browser_page) == []


def test_learner_downloads_and_shares_the_credential(browser_page, live_server):
    pytest.importorskip("awarding.award_issuance")
    from credentials.models import Credential

    from .world import issue

    w = make_world()
    ada = w.learners[0]
    award = issue(w, ada)
    frame = open_in_lms(browser_page, live_server, f"/learner/?lt={w.launch(ada).token}")
    frame.get_by_text("You earned this credential.").wait_for()
    assert "You earned" in frame.get_by_role("status").first.inner_text()  # the notification
    with browser_page.expect_download() as download_info:
        frame.get_by_role("link", name="Download credential file (JSON)").click()
    download = download_info.value
    with open(download.path(), "rb") as fh:
        assert fh.read() == Credential.objects.get(pk=award.uuid).document.encode()
    share = frame.get_by_label("Link to your credential")
    assert share.input_value().endswith(f"/credentials/{award.uuid}")
    frame.get_by_role("button", name="Copy link").click()
    frame.get_by_text("Copied.").wait_for()
    linkedin = frame.get_by_role("link", name="Add to LinkedIn profile (new window)")
    assert linkedin.get_attribute("href").startswith("https://www.linkedin.com/profile/add?")
    # Make the public page private, from inside the LMS.
    frame.get_by_label("Only me (private)").check()
    frame.get_by_role("button", name="Save").click()
    frame.get_by_text("Your credential's page is private now.").wait_for()
    assert Credential.objects.get(pk=award.uuid).is_public is False


def test_sync_now_from_the_dashboard(browser_page, live_server):
    w = make_world()
    frame = open_in_lms(
        browser_page, live_server, f"/course/?lt={w.launch(w.instructor, 'instructor').token}"
    )
    frame.get_by_text("Grades have not been fetched from the LMS yet.").wait_for()
    frame.get_by_role("button", name="Sync now").click()
    # The sync runs (in-process in tests) and the page shows its outcome, still in the LMS.
    frame.get_by_text("Last sync:").first.wait_for(timeout=60_000)
    assert "/__test_lms_course_page__" in browser_page.url
    from assessments.models import SyncRun

    assert SyncRun.objects.filter(course=w.course, trigger="manual").exists()
