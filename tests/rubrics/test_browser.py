"""Playwright in Debian's Chromium: the instructor's editor inside an LMS iframe, and the
QA review page in the console."""

from __future__ import annotations

import pytest

from lti_tool.launch_context import start_launch_session
from rubrics.actors import Actor
from rubrics.editing import CriterionDraft, PolicyDraft, save_draft
from rubrics.spec import LevelSpec
from rubrics.workflow import create_rubric, submit
from tests.pages.sweep_checks import axe_serious

from .conftest import (
    add_learner,
    add_line_item,
    digcomp,
    grade,
    make_course,
    make_platform,
    make_qa_user,
    proficiency,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("digcomp_data"),
]
XSS = "<script>window.__xss = 1</script>"
LEVELS = (("Foundation", 2), ("Intermediate", 5), ("Advanced", 8))


def open_in_lms(page, live_server, path_and_query):
    """Show the tool in an iframe of an LMS-like course page (same as an LMS does)."""
    lms_url = f"{live_server.url}/__test_lms_course_page__"
    html = (
        "<!doctype html><html lang='en'><head><title>Course page</title></head><body>"
        f"<iframe id='tool' title='Credbridge' src='{live_server.url}{path_and_query}' "
        "style='width:100%;height:1400px'></iframe></body></html>"
    )
    page.route(lms_url, lambda r: r.fulfill(status=200, content_type="text/html", body=html))
    page.goto(lms_url)
    frame = page.frame_locator("#tool")
    frame.locator("main").wait_for()
    return frame


def test_editor_in_iframe_and_qa_review(browser_page, live_server):
    platform = make_platform()
    course = make_course(platform, title=f"Course {XSS}", context_id="br-1")
    items = [add_line_item(course, key) for key in ("search", "evaluate", "privacy")]
    ann = add_learner(course, "s1", f"Ann {XSS}")
    bob = add_learner(course, "s2", "Bob")
    for item in items:
        grade(item, ann, 9, comment=f"Nice {XSS}")
        grade(item, bob, 3)
    launch = start_launch_session(
        platform_id=platform.pk,
        deployment_id="d",
        context_id=course.context_id,
        course_id=course.pk,
        user_sub="teacher-b",
        learner_id=None,
        roles={"instructor"},
        name="Tess Teacher",
    )
    page = browser_page
    frame = open_in_lms(page, live_server, f"/rubrics/?lt={launch.token}")
    frame.get_by_role("heading", name=f"Rubrics · Course {XSS}").wait_for()
    # The editor itself is clicked through in test_editor_browser; here the draft is written
    # by the same service and the pages show what came from the LMS as text.
    teacher = Actor(
        id=f"lti:{platform.pk}:teacher-b",
        name="Tess Teacher",
        course_id=course.pk,
        platform_id=platform.pk,
    )
    version = create_rubric(
        course=course, title="Information literacy", actor=teacher
    ).versions.get()
    save_draft(
        version=version,
        actor=teacher,
        title="Information literacy",
        policy=PolicyDraft(),
        criteria=[
            CriterionDraft(
                key=item.label,
                title=f"{item.label.title()} skills",
                points=10,
                threshold=5,
                source="existing",
                line_item_id=item.pk,
                levels=[
                    LevelSpec("Foundation", 2),
                    LevelSpec("Intermediate", 5),
                    LevelSpec("Advanced", 8),
                ],
                competence_ids=[digcomp(code).pk],
                proficiency_id=proficiency("4").pk,
            )
            for item, code in zip(items, ("1.1", "1.2", "4.2"), strict=True)
        ],
    )
    frame = open_in_lms(page, live_server, f"/rubrics/versions/{version.pk}/?lt={launch.token}")
    summary = frame.get_by_test_id("preview-summary")
    assert "1 of 2 learners would meet this rubric now" in summary.inner_text()
    table = frame.get_by_test_id("preview-table").inner_text()
    assert f"Ann {XSS}" in table and "Nice <script>" in table  # shown as text
    assert page.evaluate("() => document.querySelector('#tool').contentWindow.__xss") is None
    submit(version=version, actor=teacher)
    version.refresh_from_db()
    assert version.state == "submitted" and version.author == f"lti:{platform.pk}:teacher-b"

    # QA, in the console (a top-level page, Django auth).
    make_qa_user(platform, "quinn-b")
    page.goto(f"{live_server.url}/qa/")
    page.get_by_label("Username").fill("quinn-b")
    page.get_by_label("Password").fill("qa-pass-123456")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Information literacy, version 1").click()
    page.get_by_test_id("diff-table").wait_for()
    diff = page.get_by_test_id("diff-table").inner_text()
    assert "criterion “Privacy skills”" in diff and "5 points" in diff
    assert "1.2 Evaluating data, information and digital content (Intermediate 4)" in diff
    assert f"Course {XSS}" in page.get_by_test_id("course-title").inner_text()
    assert "1 of 2 learners" in page.get_by_test_id("preview-summary").inner_text()
    assert axe_serious(page) == []
    page.get_by_label("Comment (required to reject)").fill("Thresholds are sensible.")
    page.get_by_test_id("approve").click()
    page.get_by_test_id("activate").wait_for()
    assert page.get_by_test_id("version-state").inner_text() == "Approved"
    page.get_by_test_id("activate").click()
    page.get_by_text("Version 1 is now in use.").wait_for()
    assert page.get_by_test_id("version-state").inner_text() == "Active"
    assert page.evaluate("() => window.__xss") is None
    version.refresh_from_db()
    assert version.state == "active" and version.review_comment == "Thresholds are sensible."
