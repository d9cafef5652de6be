"""Sync now / sync status: only the instructor of the launch's course, via the launch token."""

import pytest

from assessments.models import Course, SyncRun
from lti_tool.launch_context import start_launch_session

from .conftest import seed


def _launch(course, roles, **extra):
    return start_launch_session(
        platform_id=course.platform_id,
        deployment_id="1",
        context_id=course.context_id,
        course_id=course.pk,
        user_sub="t1",
        learner_id=None,
        roles=set(roles),
        **extra,
    )


@pytest.fixture
def course_env(env):
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    return course


def test_instructor_syncs_now(client, course_env):
    launch = _launch(course_env, ["instructor"])
    response = client.post(f"/courses/{course_env.pk}/sync", {"lt": launch.token})
    assert response.status_code == 202
    body = response.json()
    assert body["queued"] is True and body["last_run"]["outcome"] == "succeeded"
    assert body["last_run"]["new_results"] == 2
    assert SyncRun.objects.get().trigger == "manual"


def test_learner_and_other_courses_are_refused(client, course_env):
    other = Course.objects.create(platform=course_env.platform, context_id="other")
    learner = _launch(course_env, ["learner"])
    assert client.post(f"/courses/{course_env.pk}/sync", {"lt": learner.token}).status_code == 403
    teacher_elsewhere = _launch(other, ["instructor"])
    assert (
        client.post(f"/courses/{course_env.pk}/sync", {"lt": teacher_elsewhere.token}).status_code
        == 403
    )
    assert client.post(f"/courses/{course_env.pk}/sync").status_code == 403
    # A token only in the URL of a POST is not accepted (it could have leaked from a link).
    teacher = _launch(course_env, ["instructor"])
    assert client.post(f"/courses/{course_env.pk}/sync?lt={teacher.token}").status_code == 403
    assert not SyncRun.objects.exists()


def test_status_json_and_fragment(client, course_env):
    teacher = _launch(course_env, ["instructor"])
    client.post(f"/courses/{course_env.pk}/sync", {"lt": teacher.token})
    status = client.get(f"/courses/{course_env.pk}/sync-status", HTTP_X_LAUNCH_TOKEN=teacher.token)
    assert status.status_code == 200 and status.json()["last_run"]["outcome"] == "succeeded"
    fragment = client.get(
        f"/courses/{course_env.pk}/sync-status?lt={teacher.token}", HTTP_HX_REQUEST="true"
    )
    html = fragment.content.decode()
    assert "2 new, 0 changed, 0 unchanged" in html and "<b>" not in html
    learner = _launch(course_env, ["learner"])
    seen = client.get(
        f"/courses/{course_env.pk}/sync-status", HTTP_X_LAUNCH_TOKEN=learner.token
    ).json()
    assert "notices" not in seen and seen["last_run"]["error"] == ""
    assert client.get(f"/courses/{course_env.pk}/sync-status").status_code == 403


def test_error_text_from_the_lms_is_escaped(client, course_env):
    SyncRun.objects.create(
        course=course_env,
        started_at=course_env.created_at,
        outcome="failed",
        error="The LMS refused a request: <script>alert(1)</script>",
    )
    teacher = _launch(course_env, ["instructor"])
    html = client.get(
        f"/courses/{course_env.pk}/sync-status?format=html", HTTP_X_LAUNCH_TOKEN=teacher.token
    ).content.decode()
    assert "&lt;script&gt;" in html and "<script>" not in html
