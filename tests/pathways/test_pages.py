"""The pathway pages: QA writes, submits, approves and puts a pathway into use in the console
and sees who is close; the learner's page shows their progress and the stacked credential;
the console's flagged awards show a stacked credential whose component was revoked."""

import pytest
from django.contrib.auth.models import User

from awarding.models import Award
from awarding.revoke import revoke_award
from pathways.models import Pathway
from rubrics.models import Competence
from tests.pages.world import issue, make_world
from tests.qa_console.browser_helpers import qa_user

from .builders import active_pathway, second_course

pytestmark = pytest.mark.django_db


def _post(client, pathway, **data):
    return client.post(f"/qa/pathways/{pathway.uuid}/", data)


def test_qa_writes_a_pathway_another_approves_it_and_sees_who_is_close(
    client, django_capture_on_commit_callbacks
):
    a = make_world(course_title="A", achievement_name="A badge")
    b = second_course(a, title="B", achievement_name="B badge")
    ada, grace = a.learners[0], a.learners[1]
    issue(a, ada)
    author = qa_user(a.platform, "author")
    reviewer = qa_user(a.platform, "reviewer")

    client.force_login(author)
    page = client.get("/qa/").content.decode()
    assert 'href="/qa/pathways/"' in page  # the console's navigation
    response = client.post(
        "/qa/pathways/",
        {
            "platform": a.platform.pk,
            "name": "Data Certificate",
            "description": "Both data badges.",
            "criteria_narrative": "Hold A and B.",
            "rule": "all",
        },
    )
    pathway = Pathway.objects.get(achievement__name="Data Certificate")
    assert response.status_code == 302
    for achievement in (a.achievement, b.achievement):
        _post(client, pathway, action="add_component", **{"component-achievement": achievement.pk})
    area = Competence.objects.get(framework__slug="digcomp-2-2", code="5")
    _post(
        client,
        pathway,
        action="add_competency",
        **{"competency-competence": area.pk, "competency-count": 1},
    )
    item = pathway.competencies.get()
    _post(client, pathway, action="remove_competency", item=item.pk)
    assert pathway.components.count() == 2 and not pathway.competencies.exists()
    _post(client, pathway, action="submit")
    page = client.get(f"/qa/pathways/{pathway.uuid}/").content.decode()
    assert "You submitted this pathway" in page
    _post(client, pathway, action="approve")
    assert Pathway.objects.get(pk=pathway.pk).state == "submitted"  # not by its submitter

    client.force_login(reviewer)
    _post(client, pathway, action="approve")
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, pathway, action="activate")
    pathway.refresh_from_db()
    assert pathway.state == "active"
    page = client.get(f"/qa/pathways/{pathway.uuid}/").content.decode()
    assert "Who is close" in page
    assert ada.name in page and grace.name not in page  # 1 of 2 versus 0 of 2
    assert "1 of 2" in page
    listing = client.get("/qa/pathways/").content.decode()
    assert "Data Certificate" in listing


def test_the_pathway_pages_are_for_qa_of_the_institution_only(client):
    a = make_world()
    pathway = active_pathway(a.platform, components=[(a.achievement, None)])
    assert "/qa/login/" in client.get("/qa/pathways/")["Location"]
    client.force_login(User.objects.create_user("plain", password="pw-Strong-123"))
    assert client.get("/qa/pathways/").status_code == 403
    client.force_login(qa_user(make_world().platform, "elsewhere"))
    assert client.get(f"/qa/pathways/{pathway.uuid}/").status_code == 404
    assert "Digital Skills Certificate" not in client.get("/qa/pathways/").content.decode()


def test_the_learner_sees_progress_then_the_stacked_credential(
    client, django_capture_on_commit_callbacks
):
    a = make_world(course_title="A", achievement_name="A badge")
    b = second_course(a, title="B", achievement_name="B badge")
    ada = a.learners[0]
    active_pathway(a.platform, components=[(a.achievement, None), (b.achievement, None)])
    with django_capture_on_commit_callbacks(execute=True):
        issue(a, ada)
    page = client.get(f"/learner/?lt={a.launch(ada).token}").content.decode()
    assert "Digital Skills Certificate" in page
    assert "1 of 2" in page
    assert "Missing “B badge”." in page
    with django_capture_on_commit_callbacks(execute=True):
        issue(b, ada)
    page = client.get(f"/learner/?lt={b.launch(ada).token}").content.decode()
    assert "You earned this credential." in page
    stacked = Award.objects.get(achievement__name="Digital Skills Certificate")
    assert f"/credentials/{stacked.uuid}" in page
    # The holder's own view and downloads of the course-less credential, from either course;
    # never another learner's.
    token = a.launch(ada).token
    holder = client.get(f"/learner/credentials/{stacked.uuid}/view?lt={token}")
    assert holder.status_code == 200
    download = client.get(f"/learner/credentials/{stacked.uuid}/download/json?lt={token}")
    assert download.status_code == 200 and download.json()["id"].endswith(str(stacked.uuid))
    other = a.launch(a.learners[1]).token
    assert client.get(f"/learner/credentials/{stacked.uuid}/view?lt={other}").status_code == 404


def test_qa_sees_a_flagged_stacked_credential_and_keeps_it(
    client, django_capture_on_commit_callbacks
):
    a = make_world(course_title="A", achievement_name="A badge")
    b = second_course(a, title="B", achievement_name="B badge")
    ada = a.learners[0]
    active_pathway(a.platform, components=[(a.achievement, None), (b.achievement, None)])
    with django_capture_on_commit_callbacks(execute=True):
        first = issue(a, ada)
        issue(b, ada)
    with django_capture_on_commit_callbacks(execute=True):
        revoke_award(award=first, reason="Wrong person", actor="user:qa")
    stacked = Award.objects.get(achievement__name="Digital Skills Certificate")
    client.force_login(qa_user(a.platform))
    page = client.get("/qa/awards/flagged").content.decode()
    assert "Digital Skills Certificate" in page
    assert "“A badge” was revoked" in page
    client.post("/qa/awards/flagged", {"award": stacked.uuid})
    stacked.refresh_from_db()
    assert stacked.state == "issued"


def test_the_section_reads_for_itself_when_the_page_did_not(rf):
    """awarding.learner_sections: a section registered with reads gets their answers, or None
    (then it reads them itself); one without reads is called as before."""
    from awarding import learner_sections

    seen = []
    registered = dict(learner_sections._renderers), dict(learner_sections._reads)
    learner_sections._renderers.clear()
    learner_sections._reads.clear()
    try:
        learner_sections.register_learner_section(
            "probe",
            lambda request, *, course, learner, ahead: seen.append(ahead) or "probe",
            reads=lambda *, learner_id, platform_id: ("first", "second"),
        )
        learner_sections.register_learner_section(
            "plain", lambda request, *, course, learner: "plain"
        )
        reads = learner_sections.learner_section_reads(learner_id=1, platform_id=2)
        assert reads["section:probe:0"] == "first" and reads["section:probe:1"] == "second"
        ahead = {"rules": [], "section:probe:0": ["a"], "section:probe:1": ["b"]}
        html = learner_sections.learner_sections(
            rf.get("/"), course=None, learner=None, ahead=ahead
        )
        learner_sections.learner_sections(rf.get("/"), course=None, learner=None)
    finally:
        learner_sections._renderers.clear()
        learner_sections._renderers.update(registered[0])
        learner_sections._reads.clear()
        learner_sections._reads.update(registered[1])
    assert "probe" in html and "plain" in html
    assert seen == [(["a"], ["b"]), None]
