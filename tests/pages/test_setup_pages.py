"""The guided setup: checklist, achievement form, submit for QA (creates the awarding rule)."""

import pytest

from assessments.models import Course, Enrolment, Learner, LineItem
from awarding.models import Achievement, AwardingRule
from lti_tool.launch_context import start_launch_session
from rubrics.models import Criterion, Rubric, RubricVersion

from .world import make_platform

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh(db):
    platform = make_platform()
    course = Course.objects.create(platform=platform, context_id="new-course", title="New course")
    teacher = Learner.objects.create(platform=platform, sub="t-1", name="Tess")
    Enrolment.objects.create(course=course, learner=teacher, roles=["Instructor"])
    launch = start_launch_session(
        platform_id=platform.pk,
        deployment_id="d",
        context_id="new-course",
        course_id=course.pk,
        user_sub="t-1",
        learner_id=teacher.pk,
        roles={"instructor"},
        name="Tess",
    )
    return course, launch


def _steps(html):
    return {
        key: ('data-done="yes"' in html.split(f'id="step-{key}"')[1].split(">")[0])
        for key in ("achievement", "rubric", "line_items", "preview", "submit")
    }


def test_first_visit_shows_every_step_to_do(client, fresh):
    _course, launch = fresh
    html = client.get("/course/setup/", {"lt": launch.token}).content.decode()
    assert not any(_steps(html).values())
    assert 'id="step-achievement" data-done="no"' in html.replace(' aria-current="step"', "")
    assert "Describe the credential" in html


def test_setup_refuses_learners(client, fresh):
    course, _ = fresh
    launch = start_launch_session(
        platform_id=course.platform_id,
        deployment_id="d",
        context_id="x",
        course_id=course.pk,
        user_sub="s",
        learner_id=None,
        roles={"learner"},
    )
    assert client.get("/course/setup/", {"lt": launch.token}).status_code == 403


def test_achievement_form_creates_then_edits_the_course_achievement(client, fresh):
    course, launch = fresh
    data = {
        "lt": launch.token,
        "name": "Data Badge",
        "achievement_type": "MicroCredential",
        "description": "Finds data.",
        "criteria_narrative": "Pass both.",
        "tags": "data,  Data , digital skills",
        "validity_days": "365",
    }
    response = client.post("/course/setup/achievement", data)
    assert response.status_code == 302
    achievement = Achievement.objects.get(course=course)
    assert achievement.platform_id == course.platform_id
    assert achievement.tags == ["data", "digital skills"]
    assert achievement.achievement_type == "MicroCredential" and achievement.validity_days == 365
    client.post("/course/setup/achievement", {**data, "name": "Data Badge II"})
    assert Achievement.objects.filter(course=course).count() == 1
    assert Achievement.objects.get(course=course).name == "Data Badge II"
    html = client.get("/course/setup/", {"lt": launch.token}).content.decode()
    assert _steps(html)["achievement"] and not _steps(html)["rubric"]


def test_achievement_form_errors_are_shown(client, fresh):
    _course, launch = fresh
    response = client.post("/course/setup/achievement", {"lt": launch.token, "name": ""})
    assert response.status_code == 400
    assert b"This field is required" in response.content
    assert b'role="alert"' in response.content


def test_submit_for_qa_creates_the_rule(client, fresh):
    course, launch = fresh
    achievement = Achievement.objects.create(
        platform=course.platform, course=course, name="B", description="d", criteria_narrative="c"
    )
    rubric = Rubric.objects.create(course=course, title="R", created_by="lti:x:t-1")
    version = RubricVersion.objects.create(rubric=rubric, number=1, title="R", author="lti:x:t-1")
    item = LineItem.objects.create(course=course, url="https://lms.example/li/1", score_maximum=10)
    Criterion.objects.create(
        version=version, key="a", title="A", points=10, threshold=5, line_item=item
    )
    html = client.get("/course/setup/", {"lt": launch.token}).content.decode()
    assert _steps(html) == {
        "achievement": True,
        "rubric": True,
        "line_items": True,
        "preview": True,
        "submit": False,
    }
    assert "would earn it now" in html  # the preview
    response = client.post("/course/setup/submit", {"lt": launch.token, "mode": "hold"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.state == "submitted"
    rule = AwardingRule.objects.get(course=course, achievement=achievement)
    assert rule.rubric_id == rubric.pk and rule.mode == "hold"
    html = client.get("/course/setup/", {"lt": launch.token}).content.decode()
    assert all(_steps(html).values())


def test_submit_without_line_items_explains_why(client, fresh):
    course, launch = fresh
    Achievement.objects.create(
        platform=course.platform, course=course, name="B", description="d", criteria_narrative="c"
    )
    rubric = Rubric.objects.create(course=course, title="R", created_by="lti:x:t-1")
    version = RubricVersion.objects.create(rubric=rubric, number=1, title="R", author="lti:x:t-1")
    Criterion.objects.create(version=version, key="a", title="A", points=10, threshold=5)
    response = client.post(
        "/course/setup/submit", {"lt": launch.token, "mode": "automatic"}, follow=True
    )
    assert "gradebook column" in response.content.decode()
    version.refresh_from_db()
    assert version.state == "draft"
    assert not AwardingRule.objects.filter(course=course).exists()


def test_a_second_credential_is_set_up_beside_the_first(client, fresh):
    course, launch = fresh
    first = Achievement.objects.create(
        platform=course.platform,
        course=course,
        name="First",
        description="d",
        criteria_narrative="c",
    )
    rubric = Rubric.objects.create(course=course, title="R1", created_by="lti:x:t-1")
    RubricVersion.objects.create(rubric=rubric, number=1, title="R1", author="x", state="active")
    AwardingRule.objects.create(course=course, achievement=first, rubric=rubric)
    html = client.get("/course/setup/", {"lt": launch.token}).content.decode()
    assert "First" in html and "Set up another credential" in html
    data = {
        "name": "Second",
        "achievement_type": "Badge",
        "description": "d2",
        "criteria_narrative": "c2",
    }
    response = client.post(f"/course/setup/achievement?lt={launch.token}&new=1", data)
    assert response.status_code == 302
    assert set(Achievement.objects.filter(course=course).values_list("name", flat=True)) == {
        "First",
        "Second",
    }
    html = client.get("/course/setup/", {"lt": launch.token}).content.decode()
    assert "Second" in html
    assert _steps(html)["achievement"] and not _steps(html)["rubric"]  # its own rubric next
