"""A teacher who writes one criterion and saves: the editor shows three criterion forms, and
the browser submits the blank ones with their selects' first options (threshold unit,
evidence). Those must not count as a half-filled criterion (found in a real Moodle 4.5.6:
"This field is required" on the blank forms, nothing saved)."""

from __future__ import annotations

import pytest

from lti_tool.launch_context import start_launch_session
from rubrics.models import RubricVersion

from .conftest import make_course, make_platform
from .test_browser import open_in_lms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_criterion_saves_with_the_blank_forms_left_alone(browser_page, live_server):
    platform = make_platform()
    course = make_course(platform, context_id="one-1")
    launch = start_launch_session(
        platform_id=platform.pk,
        deployment_id="d",
        context_id=course.context_id,
        course_id=course.pk,
        user_sub="teacher-one",
        learner_id=None,
        roles={"instructor"},
        name="Tess Teacher",
    )
    frame = open_in_lms(browser_page, live_server, f"/rubrics/?lt={launch.token}")
    frame.get_by_label("Title").fill("Final project")
    frame.get_by_role("button", name="Create rubric").click()
    frame.get_by_role("button", name="Save draft").wait_for()
    assert frame.locator("[data-testid^=criterion-]").count() > 1  # blank forms are offered
    frame.locator("#id_criteria-0-key").fill("project")
    frame.locator("#id_criteria-0-title").fill("Final project")
    frame.locator("#id_criteria-0-threshold").fill("6")
    frame.get_by_role("button", name="Save draft").click()
    frame.get_by_text("Draft saved.").wait_for()
    assert frame.locator(".errorlist").count() == 0
    version = RubricVersion.objects.get()
    assert [(c.key, c.threshold) for c in version.criteria.all()] == [("project", 6.0)]
