"""Rubric reviews in the QA console: sign in, review (diff, preview), decide through the
workflow; scoped to the reviewer's platforms; four eyes across the LMS handoff."""

import pytest
from django.contrib.auth.models import User

from qa_console.handoff import mint_code
from rubrics.actors import actor_from_launch, actor_from_user
from rubrics.editing import PolicyDraft, save_draft
from rubrics.models import RubricVersion
from rubrics.workflow import activate, approve, new_draft, submit
from tests.rubrics.builders import draft_rubric, three_criteria
from tests.rubrics.conftest import (
    add_learner,
    grade,
    instructor_actor,
    instructor_launch,
    make_course,
    make_platform,
    make_qa_user,
)

XSS = "<script>alert('x')</script>"


@pytest.fixture
def xss_course(platform):
    return make_course(platform, title=f"Course {XSS}", context_id="ctx-xss")


def _submitted(course, author_sub="teacher-1"):
    teacher = instructor_actor(course, sub=author_sub)
    rubric, version = draft_rubric(course, teacher)
    submit(version=version, actor=teacher)
    return version


@pytest.mark.django_db
def test_qa_console_login_review_approve_activate(client, xss_course, platform):
    version = _submitted(xss_course)
    assert client.get("/qa/")["Location"].startswith("/qa/login/")
    make_qa_user(platform)
    login = client.post("/qa/login/", {"username": "quinn", "password": "qa-pass-123456"})
    assert login.status_code == 302
    home = client.get("/qa/").content.decode()
    assert f"/qa/versions/{version.pk}/" in home and XSS not in home
    assert "/qa/awards/" in home and "/qa/audit/" in home  # the shared console nav
    review = client.get(f"/qa/versions/{version.pk}/").content.decode()
    assert "First version" in review and "Evaluate skills" in review
    assert "1.2 Evaluating data, information and digital content" in review
    assert XSS not in review and "Course &lt;script&gt;" in review
    rejected = client.post(f"/qa/versions/{version.pk}/", {"action": "reject", "comment": ""})
    assert rejected.status_code == 409 and b"Say why" in rejected.content
    ok = client.post(f"/qa/versions/{version.pk}/", {"action": "approve", "comment": "good"})
    assert ok.status_code == 302
    assert RubricVersion.objects.get(pk=version.pk).state == "approved"
    client.post(f"/qa/versions/{version.pk}/", {"action": "activate"})
    assert RubricVersion.objects.get(pk=version.pk).state == "active"


@pytest.mark.django_db
def test_author_as_lms_admin_is_refused_but_another_admin_approves(client, course):
    """Four eyes between LMS administrators reaching the console through the handoff."""
    admin_launch = instructor_launch(course, sub="adm-1", roles=("instructor", "administrator"))
    rubric, version = draft_rubric(course, actor_from_launch(admin_launch))
    submit(version=version, actor=actor_from_launch(admin_launch))
    assert client.post("/qa/handoff/", {"code": mint_code(admin_launch)}).status_code == 302
    page = client.get(f"/qa/versions/{version.pk}/")
    assert page.status_code == 200 and b"another person must review" in page.content
    refused = client.post(f"/qa/versions/{version.pk}/", {"action": "approve"})
    assert refused.status_code == 403
    assert RubricVersion.objects.get(pk=version.pk).state == "submitted"
    other_admin = instructor_launch(course, sub="adm-2", roles=("administrator",))
    assert client.post("/qa/handoff/", {"code": mint_code(other_admin)}).status_code == 302
    ok = client.post(f"/qa/versions/{version.pk}/", {"action": "approve"})
    assert ok.status_code == 302 and "lt=" not in ok["Location"]
    assert RubricVersion.objects.get(pk=version.pk).state == "approved"


@pytest.mark.django_db
def test_qa_sees_only_their_platforms(client, course):
    version = _submitted(course)
    other = make_platform("Other", "https://other.example.org")
    make_qa_user(other, "olga")
    client.force_login(User.objects.get(username="olga"))  # axes: login() needs a request
    assert f"/qa/versions/{version.pk}/" not in client.get("/qa/").content.decode()
    assert client.get(f"/qa/versions/{version.pk}/").status_code == 404
    assert client.post(f"/qa/versions/{version.pk}/", {"action": "approve"}).status_code == 404
    assert "No event matches these filters." in client.get("/qa/audit/").content.decode()
    User.objects.create_user("nobody", "n@example.org", "qa-pass-123456")
    client.force_login(User.objects.get(username="nobody"))  # axes: login() needs a request
    assert client.get("/qa/").status_code == 403


@pytest.mark.django_db
def test_review_page_shows_gains_against_active_version(client, course, platform):

    teacher = instructor_actor(course)
    qa_user = make_qa_user(platform)
    qa = actor_from_user(qa_user)
    rubric, v1 = draft_rubric(course, teacher)
    bob = add_learner(course, "s2", "Bob")
    for c in v1.criteria.all():
        grade(c.line_item, bob, 9 if c.key != "evaluate" else 4)
    submit(version=v1, actor=teacher)
    approve(version=v1, actor=qa)
    activate(version=v1, actor=qa)
    v2 = new_draft(rubric=rubric, actor=teacher)
    save_draft(
        version=v2,
        actor=teacher,
        title="Information literacy",
        policy=PolicyDraft(),
        criteria=three_criteria(course=course, threshold_b=4),
    )
    submit(version=v2, actor=teacher)
    client.force_login(qa_user)
    body = client.get(f"/qa/versions/{v2.pk}/").content.decode()
    assert "Changes from version 1 (Active)" in body
    assert "Compared with the active version 1: 1 would gain, 0 would lose." in body
    assert "5 points" in body and "4 points" in body
