"""Page tests through Django's test client (the full HTTP flow is in test_e2e)."""

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
    make_qa_user,
    proficiency,
)

XSS = "<script>alert('x')</script>"


def criterion_post(i, key, *, item=None, competences=(), threshold=5, levels=(), title=None):
    """One criterion card as posted; `levels` are (name, minimum, description) rows."""
    p = f"criteria-{i}-"
    data = {
        p + "key": key,
        p + "title": title or f"{key} title",
        p + "description": "",
        p + "points": "10",
        p + "threshold": str(threshold),
        p + "threshold_unit": "points",
        p + "required": "on",
        p + "weight": "1",
        p + "source": "existing" if item else "tool",
        p + "line_item": str(item.pk) if item else "",
        p + "proficiency": str(proficiency("3").pk),
        p + "ORDER": str(i + 1),
        p + "levels-TOTAL_FORMS": str(len(levels)),
        p + "levels-INITIAL_FORMS": "0",
    }
    for n, (name, minimum, description) in enumerate(levels):
        data |= {
            f"{p}levels-{n}-name": name,
            f"{p}levels-{n}-min_score": str(minimum),
            f"{p}levels-{n}-description": description,
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
    assert editor.status_code == 200 and b"criteria-0-title" in editor.content  # a blank card
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
            levels=[("Foundation", 4, "basic"), ("Advanced", 8, "")],
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
    # Saved criteria come back in the form and re-save unchanged (+1 blank card).
    assert 'name="criteria-3-title"' in body and 'value="a"' in body
    from rubrics.workflow import submit

    submit(version=version, actor=instructor_actor(xss_course))
    refused = client.post(url, editor_post(lt, criteria, title="changed"))
    assert refused.status_code == 400 and b"new version" in refused.content
    assert RubricVersion.objects.get().title == "Info literacy"


@pytest.mark.django_db
def test_bad_editor_input_is_explained(client, course):
    lt = instructor_launch(course).token
    client.post("/rubrics/", {"lt": lt, "title": "R"})
    version = RubricVersion.objects.get()
    url = f"/rubrics/versions/{version.pk}/"
    bad = [
        criterion_post(0, "Bad Key"),
        criterion_post(1, "b", levels=[("x", "y", "")]),
        criterion_post(2, "c", levels=[("Good", 12, "")]),
    ]
    page = client.post(url, editor_post(lt, bad))
    assert page.status_code == 400
    body = page.content.decode()
    assert "key is damaged" in body and "Enter a number." in body
    assert "A level starts between 0 and the maximum (10 points)." in body
    dup = [criterion_post(0, "a"), criterion_post(1, "a")]
    assert "share a key" in client.post(url, editor_post(lt, dup)).content.decode()
    too_high = [criterion_post(0, "a", threshold=50)]
    page = client.post(url, editor_post(lt, too_high))
    assert page.status_code == 400
    assert "The pass mark must be between 0 and 10." in page.content.decode()
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
        client.post(f"/rubrics/versions/{version.pk}/preview/", {"lt": lt_other}).status_code == 404
    )


@pytest.mark.django_db
def test_admin_lists_frameworks_and_versions_read_only(client, course):

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
