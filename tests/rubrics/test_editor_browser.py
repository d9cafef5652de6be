"""The rubric editor in Debian's Chromium, as a first-time instructor uses it: building a
rubric by clicking (criteria, levels, a competence found by search), hints while typing,
the live preview, a blank card left alone; at 1280 px and 390 px without horizontal scroll
and without serious axe-core violations. Then the whole path: submit from the editor, QA
approves and activates in the console, the credential is on the instructor's dashboard, and
a grade that arrives later awards it."""

from __future__ import annotations

import pytest

from assessments.signals import learners_changed
from assessments.sync_runs import SyncRun
from awarding.models import Achievement, Award, AwardingRule
from lti_tool.launch_context import start_launch_session
from rubrics.models import RubricVersion
from tests.pages.sweep_checks import axe_serious

from .conftest import (
    add_learner,
    add_line_item,
    grade,
    make_course,
    make_platform,
    make_qa_user,
)
from .test_browser import open_in_lms

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("digcomp_data"),
]
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _check_page(page, url: str) -> None:
    """The page on its own (as axe reads it) at both widths: no sideways scroll, no serious
    or critical violation. Loaded once and resized (its layout is CSS alone, as the
    every-page sweep's, ADR 0082)."""
    page.goto(url)
    page.locator("main").wait_for()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate(NO_OVERFLOW), f"horizontal overflow at {width}px: {url}"
        assert axe_serious(page) == [], width


def test_build_by_clicking_submit_approve_activate_and_award(browser_page, live_server):
    platform = make_platform()
    course = make_course(platform, context_id="ed-1")
    quiz, essay = add_line_item(course, "quiz", tag=""), add_line_item(course, "essay", tag="")
    ann, bob = add_learner(course, "ann", "Ann"), add_learner(course, "bob", "Bob")
    grade(quiz, ann, 9)
    grade(essay, ann, 8)
    grade(quiz, bob, 6)  # his essay is not graded yet
    Achievement.objects.create(
        platform=platform,
        course=course,
        name="Information Literate",
        description="Finds and judges information.",
        criteria_narrative="Quiz and essay.",
    )
    launch = start_launch_session(
        platform_id=platform.pk,
        deployment_id="d",
        context_id=course.context_id,
        course_id=course.pk,
        user_sub="teacher-e",
        learner_id=None,
        roles={"instructor"},
        name="Tess Teacher",
    )
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    frame = open_in_lms(page, live_server, f"/rubrics/?lt={launch.token}")
    frame.get_by_label("Title").fill("Information literacy")
    frame.get_by_role("button", name="Create rubric").click()
    frame.get_by_role("button", name="Save draft").wait_for()

    # Criterion 1: a name, its column, a pass mark; two levels as rows.
    frame.locator("#id_criteria-0-title").fill("Quiz")
    card = frame.get_by_test_id("criterion-0")
    card.get_by_text("Grade source and weight").click()
    frame.locator("#id_criteria-0-source").select_option("existing")
    frame.locator("#id_criteria-0-line_item").select_option(str(quiz.pk))
    frame.locator("#id_criteria-0-threshold").fill("5")
    frame.locator("#id_criteria-0-levels-0-name").fill("Foundation")
    frame.locator("#id_criteria-0-levels-0-min_score").fill("4")
    card.get_by_role("button", name="Add a level").click()
    frame.locator("#id_criteria-0-levels-1-name").fill("Advanced")
    frame.locator("#id_criteria-0-levels-1-min_score").fill("8")
    card.get_by_role("button", name="Add a level").click()
    frame.locator("#id_criteria-0-levels-2-name").fill("Too many")
    frame.locator("[data-level-row]").nth(2).get_by_role("button", name="Remove level").click()
    assert not frame.locator("#id_criteria-0-levels-2-name").is_visible()
    # A competence found by search: the tree's areas stay as groups; others are hidden.
    card.get_by_text("DigComp competences").click()
    card.get_by_label("Search competences").fill("privacy")
    privacy = card.get_by_label("4.2 Protecting personal data and privacy")
    assert privacy.is_visible()
    assert not card.get_by_label("1.1 Browsing, searching and filtering").is_visible()
    assert "1 competences match." in card.locator("[data-comp-count]").inner_text()
    privacy.check()

    # Criterion 2, added with the button; a pass mark above the maximum is flagged at once.
    frame.get_by_role("button", name="Add a criterion").click()
    frame.locator("#id_criteria-1-title").fill("Essay")
    frame.locator("#id_criteria-1-threshold").fill("12")
    hint = frame.locator("[data-hint-for='id_criteria-1-threshold']")
    assert hint.inner_text() == "The pass mark must be between 0 and 10."
    assert frame.locator("#id_criteria-1-threshold").get_attribute("aria-invalid") == "true"
    frame.locator("#id_criteria-1-threshold").fill("6")
    assert hint.inner_text() == ""
    card2 = frame.get_by_test_id("criterion-1")
    card2.get_by_text("Grade source and weight").click()
    frame.locator("#id_criteria-1-source").select_option("existing")
    frame.locator("#id_criteria-1-line_item").select_option(str(essay.pk))
    # The essay goes first: moved with its button, not by typing positions.
    card2.get_by_role("button", name="Move up").click()
    assert frame.locator("[data-criterion]").first.get_attribute("data-testid") == "criterion-1"
    # A third card, left blank: ignored when saving.
    frame.get_by_role("button", name="Add a criterion").click()
    frame.locator("#id_criteria-2-title").wait_for()

    # The live preview and the pass rule follow the edits (nothing saved yet).
    sentence = frame.get_by_test_id("pass-sentence")
    sentence.get_by_text("“Essay” at least 6 of 10 points").wait_for()
    assert "Pass when “Essay” at least 6 of 10 points and “Quiz”" in sentence.inner_text()
    frame.get_by_text("1 of 2 learners would meet this rubric now.").wait_for()
    assert not RubricVersion.objects.get().criteria.exists()

    frame.get_by_role("button", name="Save draft").click()
    frame.get_by_text("Draft saved.").wait_for()
    version = RubricVersion.objects.get()
    criteria = list(version.criteria.order_by("position"))
    assert [(c.key, c.title, c.threshold) for c in criteria] == [
        ("essay", "Essay", 6.0),
        ("quiz", "Quiz", 5.0),
    ]
    assert [lv.name for lv in criteria[1].levels.all()] == ["Foundation", "Advanced"]
    assert [a.competence.code for a in criteria[1].alignments.all()] == ["4.2"]

    # The editor on its own at both widths.
    editor_url = f"{live_server.url}/rubrics/versions/{version.pk}/?lt={launch.token}"
    _check_page(page, editor_url)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(editor_url)
    print("editor height at 1280 px, two criteria:", page.evaluate("document.body.scrollHeight"))
    _check_page(page, f"{live_server.url}/rubrics/?lt={launch.token}")
    _check_page(page, f"{live_server.url}/course/setup/?lt={launch.token}&version={version.pk}")

    # Submit from the editor: the setup page's one submit path creates the rule with it.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(editor_url)
    page.get_by_test_id("submit-version").click()
    page.get_by_label("When a learner meets the rubric").select_option("automatic")
    page.get_by_role("button", name="Submit for QA review").click()
    page.get_by_text("Submitted for quality assurance.").wait_for()
    version.refresh_from_db()
    assert version.state == "submitted"
    assert AwardingRule.objects.get(active=True).rubric_id == version.rubric_id

    # QA, in the console: approve, then activate.
    make_qa_user(platform, "quinn-e")
    page.goto(f"{live_server.url}/qa/")
    page.get_by_label("Username").fill("quinn-e")
    page.get_by_label("Password").fill("qa-pass-123456")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Information literacy, version 1").click()
    page.get_by_label("Comment (required to reject)").fill("Fine.")
    page.get_by_test_id("approve").click()
    page.get_by_test_id("activate").click()
    page.get_by_text("Version 1 is now in use.").wait_for()
    version.refresh_from_db()
    assert version.state == "active"

    # The instructor's dashboard shows the credential; Ann, who met it, has it.
    page.goto(f"{live_server.url}/course/?lt={launch.token}")
    page.get_by_role("heading", name="Information Literate").wait_for()
    assert Award.objects.get(learner=ann).state == Award.State.ISSUED
    assert not Award.objects.filter(learner=bob).exists()
    # Bob's essay grade arrives with the next sync: he is awarded too.
    grade(essay, bob, 9)
    learners_changed.send(sender=SyncRun, course_id=course.pk, learner_ids=[bob.pk])
    assert Award.objects.get(learner=bob).state == Award.State.ISSUED


def test_without_script_the_editor_previews_and_saves(browser_page, live_server):
    platform = make_platform()
    course = make_course(platform, context_id="ed-nojs")
    launch = start_launch_session(
        platform_id=platform.pk,
        deployment_id="d",
        context_id=course.context_id,
        course_id=course.pk,
        user_sub="teacher-n",
        learner_id=None,
        roles={"instructor"},
        name="Nora Teacher",
    )
    context = browser_page.context.browser.new_context(java_script_enabled=False)
    # And no script file is served either: in one CI run of three the script's own button
    # showed after the POST's redirect with the switch on (cause not found); without the file
    # no page of this context can run it, whatever the switch does.
    context.route("**/*.js", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/rubrics/?lt={launch.token}")
        page.get_by_label("Title").fill("No script")
        page.get_by_role("button", name="Create rubric").click()
        page.wait_for_url("**/rubrics/versions/**")
        page.wait_for_load_state("load")
        # The script's buttons are not offered; the server's controls are.
        assert page.get_by_role("button", name="Add a criterion").count() == 0
        assert page.get_by_label("Remove this criterion").count() == 1
        page.locator("#id_criteria-0-title").fill("Quiz")
        page.locator("#id_criteria-0-threshold").fill("4")
        page.get_by_role("button", name="Preview").click()
        page.get_by_text("Preview of your edits. They are not saved yet.").wait_for()
        sentence = page.get_by_test_id("pass-sentence").inner_text()
        assert sentence == "Pass when “Quiz” at least 4 of 10 points (the latest result counts)."
        assert page.locator("#id_criteria-0-title").input_value() == "Quiz"
        assert not RubricVersion.objects.get().criteria.exists()
        page.get_by_role("button", name="Save draft").click()
        page.get_by_text("Draft saved.").wait_for()
        assert list(RubricVersion.objects.get().criteria.values_list("key", "threshold")) == [
            ("quiz", 4.0)
        ]
    finally:
        context.close()
