"""Page tests through Django's test client (the full HTTP flow is in test_e2e)."""

import csv
import io

import pytest
from django.contrib.auth.models import User

from audit.models import AuditEvent
from rubrics.models import Criterion, RubricVersion

from .builders import draft_rubric
from .conftest import (
    add_learner,
    add_line_item,
    digcomp,
    grade,
    instructor_actor,
    instructor_launch,
    make_course,
    make_platform,
    make_qa_user,
    proficiency,
)

XSS = "<script>alert('x')</script>"


def criterion_post(i, key, *, item=None, competences=(), threshold=5, levels=""):
    p = f"criteria-{i}-"
    data = {
        p + "key": key,
        p + "title": f"{key} title",
        p + "description": "",
        p + "points": "10",
        p + "threshold": str(threshold),
        p + "threshold_unit": "points",
        p + "required": "on",
        p + "weight": "1",
        p + "source": "existing" if item else "tool",
        p + "line_item": str(item.pk) if item else "",
        p + "levels": levels,
        p + "proficiency": str(proficiency("3").pk),
    }
    data[p + "competences"] = [str(c.pk) for c in competences]
    return data


def editor_post(token, criteria, title="Info literacy", **policy):
    data = {
        "lt": token,
        "title": title,
        "min_weighted_total": "",
        "min_passed": "",
        "result_choice": "latest",
        "window_start": "",
        "window_end": "",
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        **policy,
    }
    for c in criteria:
        data.update(c)
    return data


@pytest.fixture
def xss_course(platform):
    return make_course(platform, title=f"Course {XSS}", context_id="ctx-xss")


@pytest.mark.django_db
def test_instructor_builds_previews_and_submits(client, xss_course):
    launch = instructor_launch(xss_course)
    lt = launch.token
    assert client.get("/rubrics/").status_code == 403  # no launch, no page
    page = client.get("/rubrics/", {"lt": lt})
    assert page.status_code == 200
    assert XSS.encode() not in page.content and b"&lt;script&gt;" in page.content
    created = client.post("/rubrics/", {"lt": lt, "title": "Info literacy"})
    assert created.status_code == 302 and "lt=" in created["Location"]
    version = RubricVersion.objects.get()
    url = f"/rubrics/versions/{version.pk}/"
    editor = client.get(url, {"lt": lt})
    assert editor.status_code == 200 and b"criteria-2-key" in editor.content  # 3 blank forms
    items = [add_line_item(xss_course, k) for k in ("a", "b", "c")]
    ann = add_learner(xss_course, "s1", f"Ann {XSS}")
    for item in items:
        grade(item, ann, 8, comment=f"Well done {XSS}")
    criteria = [
        criterion_post(
            0,
            "a",
            item=items[0],
            competences=[digcomp("1.1")],
            levels="Foundation | 4 | basic\nAdvanced | 8",
        ),
        criterion_post(1, "b", item=items[1], competences=[digcomp("2.4"), digcomp("4.2")]),
        criterion_post(2, "c", item=items[2], competences=[digcomp("3.4")]),
    ]
    saved = client.post(url, editor_post(lt, criteria))
    assert saved.status_code == 302, saved.content.decode()[:3000]
    spec = RubricVersion.objects.get().to_spec()
    assert [c.key for c in spec.criteria] == ["a", "b", "c"]
    assert [a.code for a in spec.criteria[1].alignments] == ["2.4", "4.2"]
    assert spec.criteria[0].levels[1].name == "Advanced"
    page = client.get(url, {"lt": lt})
    body = page.content.decode()
    assert "1 of 1 learner would meet this rubric now" in body
    assert XSS not in body and "Ann &lt;script&gt;" in body
    assert "Well done &lt;script&gt;" in body
    # Saved criteria come back in the form and re-save unchanged (+1 blank form).
    assert 'name="criteria-3-key"' in body and 'value="a"' in body
    submitted = client.post(f"/rubrics/versions/{version.pk}/submit/", {"lt": lt})
    assert submitted.status_code == 302
    assert RubricVersion.objects.get().state == "submitted"
    refused = client.post(url, editor_post(lt, criteria, title="changed"))
    assert refused.status_code == 400 and b"new version" in refused.content
    assert RubricVersion.objects.get().title == "Info literacy"


@pytest.mark.django_db
def test_bad_editor_input_is_explained(client, course):
    lt = instructor_launch(course).token
    client.post("/rubrics/", {"lt": lt, "title": "R"})
    version = RubricVersion.objects.get()
    url = f"/rubrics/versions/{version.pk}/"
    bad = [criterion_post(0, "Bad Key"), criterion_post(1, "b", threshold=50, levels="x | y")]
    page = client.post(url, editor_post(lt, bad))
    assert page.status_code == 400
    body = page.content.decode()
    assert "lower-case letters" in body and "is not a number" in body
    dup = [criterion_post(0, "a"), criterion_post(1, "a")]
    assert "own key" in client.post(url, editor_post(lt, dup)).content.decode()
    too_high = [criterion_post(0, "a", threshold=50)]
    page = client.post(url, editor_post(lt, too_high))
    assert page.status_code == 400 and "between 0 and 10 points" in page.content.decode()
    assert not Criterion.objects.exists()


@pytest.mark.django_db
def test_instructor_is_scoped_to_the_launch_course(client, course, platform):
    rubric, version = draft_rubric(course, instructor_actor(course))
    other = make_course(platform, context_id="ctx-2")
    lt_other = instructor_launch(other).token
    assert client.get(f"/rubrics/versions/{version.pk}/", {"lt": lt_other}).status_code == 404
    lt_learner = instructor_launch(course, sub="s9", roles=("learner",)).token
    assert client.get(f"/rubrics/versions/{version.pk}/", {"lt": lt_learner}).status_code == 403
    assert (
        client.post(f"/rubrics/versions/{version.pk}/submit/", {"lt": lt_other}).status_code == 404
    )


def _submitted(course, author_sub="teacher-1"):
    teacher = instructor_actor(course, sub=author_sub)
    rubric, version = draft_rubric(course, teacher)
    from rubrics.workflow import submit

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
    from rubrics.actors import actor_from_launch
    from rubrics.qa_handoff import mint_code
    from rubrics.workflow import submit

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
    assert "rubric.created" not in client.get("/qa/audit/").content.decode()
    User.objects.create_user("nobody", "n@example.org", "qa-pass-123456")
    client.force_login(User.objects.get(username="nobody"))  # axes: login() needs a request
    assert client.get("/qa/").status_code == 403


@pytest.mark.django_db
def test_audit_log_filters_and_csv(client, course, platform):
    version = _submitted(course)
    from audit.events import record_event

    record_event(
        actor="=HYPERLINK(evil)",
        action="version.note",
        object_type="rubric_version",
        object_id=str(version.pk),
        after={"note": XSS},
        platform_id=platform.pk,
    )
    make_qa_user(platform)
    client.force_login(User.objects.get(username="quinn"))  # axes: login() needs a request
    page = client.get("/qa/audit/").content.decode()
    assert "version.submitted" in page and "rubric.created" in page and XSS not in page
    filtered = client.get("/qa/audit/", {"action": "submitted"}).content.decode()
    assert "version.submitted" in filtered and "rubric.created" not in filtered
    response = client.get("/qa/audit.csv", {"object_type": "rubric_version"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["seq", "at", "actor", "action"]
    actions = [r[3] for r in rows[1:]]
    assert "version.submitted" in actions and "rubric.created" not in actions
    assert len(rows) - 1 == AuditEvent.objects.filter(object_type="rubric_version").count()
    evil = next(r for r in rows if r[3] == "version.note")
    assert evil[2] == "'=HYPERLINK(evil)"


@pytest.mark.django_db
def test_admin_lists_frameworks_and_versions_read_only(client, course):
    from django.contrib.auth.models import User

    rubric, version = draft_rubric(course, instructor_actor(course))
    root = User.objects.create_superuser("root", "r@example.org", "pw-long-enough-1")
    client.force_login(root)
    assert b"Browsing, searching" in client.get("/admin/rubrics/competence/").content
    assert client.get("/admin/rubrics/rubricversion/").status_code == 200
    assert client.get("/admin/rubrics/rubricversion/add/").status_code == 403
    assert client.post(f"/admin/rubrics/rubricversion/{version.pk}/delete/").status_code == 403
    assert client.get("/admin/rubrics/qascope/add/").status_code == 200


@pytest.mark.django_db
def test_line_item_failure_is_explained(client, platform):
    course = make_course(platform, context_id="no-ags")
    course.lineitems_url = ""
    course.save()
    rubric, version = draft_rubric(course, instructor_actor(course), source="tool")
    lt = instructor_launch(course).token
    page = client.post(f"/rubrics/versions/{version.pk}/line-items/", {"lt": lt}, follow=True)
    assert page.status_code == 200
    assert "The LMS did not create the columns" in page.content.decode()
    assert not version.criteria.filter(line_item__isnull=False).exists()


@pytest.mark.django_db
def test_granting_qa_in_admin_is_audited(client, platform):
    from django.contrib.auth.models import User

    root = User.objects.create_superuser("root", "r@example.org", "pw-long-enough-1")
    reviewer = User.objects.create_user("rita", "rita@example.org", "pw-long-enough-1")
    client.force_login(root)
    added = client.post(
        "/admin/rubrics/qascope/add/", {"user": reviewer.pk, "platform": platform.pk}
    )
    assert added.status_code == 302
    event = AuditEvent.objects.get(action="qa_scope.granted")
    assert event.actor == f"user:{root.pk}" and event.after["user_id"] == reviewer.pk
    assert event.platform_id == platform.pk


@pytest.mark.django_db
def test_review_page_shows_gains_against_active_version(client, course, platform):
    from rubrics.actors import actor_from_user
    from rubrics.editing import PolicyDraft, save_draft
    from rubrics.workflow import activate, approve, new_draft, submit

    from .builders import three_criteria

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


@pytest.mark.django_db
def test_rejected_version_shows_comment_and_new_version_copies(client, course, platform):
    from rubrics.actors import actor_from_user
    from rubrics.workflow import reject, submit

    teacher = instructor_actor(course)
    rubric, v1 = draft_rubric(course, teacher)
    submit(version=v1, actor=teacher)
    reject(version=v1, actor=actor_from_user(make_qa_user(platform)), comment=f"Too easy {XSS}")
    lt = instructor_launch(course).token
    page = client.get(f"/rubrics/versions/{v1.pk}/", {"lt": lt}).content.decode()
    assert "Too easy &lt;script&gt;" in page and XSS not in page
    assert "make a new version" in page and 'data-testid="editor"' not in page
    made = client.post(f"/rubrics/{rubric.pk}/new-version/", {"lt": lt})
    v2 = RubricVersion.objects.get(rubric=rubric, number=2)
    assert made.status_code == 302 and f"/rubrics/versions/{v2.pk}/" in made["Location"]
    assert [c.key for c in v2.to_spec().criteria] == ["search", "evaluate", "safety"]
    again = client.post(f"/rubrics/{rubric.pk}/new-version/", {"lt": lt})
    assert f"/rubrics/versions/{v2.pk}/" in again["Location"]  # the existing draft
    assert RubricVersion.objects.filter(rubric=rubric).count() == 2
