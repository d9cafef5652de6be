"""The instructor's dashboard: who may see it, what it shows, CSV export, rule mode."""

import csv
import io

import pytest

from audit.models import AuditEvent
from awarding.models import Award, AwardingRule
from tests.query_counts import count_queries

from .world import make_world

pytestmark = pytest.mark.django_db


def _get(client, url, launch, **params):
    return client.get(url, {"lt": launch.token, **params})


def test_dashboard_needs_a_launch(client, world):
    response = client.get("/course/")
    assert response.status_code == 403
    assert b"Open Credbridge from your course" in response.content


def test_dashboard_refuses_learners(client, world):
    launch = world.launch(world.learners[0], "learner")
    response = _get(client, "/course/", launch)
    assert response.status_code == 403
    assert b"instructors of the course" in response.content


def test_dashboard_shows_learners_criteria_scores_and_awards(client, world):
    ada, grace, alan = world.learners
    world.decide(ada, {"search": 9, "evaluate": 7})
    world.decide(grace, {"search": 4, "evaluate": 8})
    world.decide(alan, {"search": 7})
    world.award(ada)
    launch = world.launch(world.instructor, "instructor")
    response = _get(client, "/course/", launch)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Ada Lovelace", "Grace Hopper", "Alan Turing", "Search data", "Evaluate data"):
        assert text in html
    assert "≥ 6 of 10" in html  # the threshold per criterion
    assert "Advanced" in html  # Ada's level on "search"
    assert "Issued" in html and "Not awarded" in html
    assert "1 met · 1 not met · 1 waiting for grades" in html
    # Every link and form in the page carries the launch token.
    assert f'name="lt" value="{launch.token}"' in html
    assert f"/courses/{world.course.pk}/sync" in html


def test_dashboard_shows_only_the_launch_course(client, world):
    other = make_world(
        platform=world.platform, course_title="Other course", learner_names=("Zed Other",)
    )
    other.decide(other.learners[0], {"search": 10, "evaluate": 10})
    launch = world.launch(world.instructor, "instructor")
    html = _get(client, "/course/", launch).content.decode()
    assert "Zed Other" not in html
    assert "Other course" not in html


def test_launch_course_of_another_platform_is_refused(client, world):
    other = make_world()
    # A forged context claiming a course of another platform finds nothing.
    from lti_tool.launch_context import start_launch_session

    launch = start_launch_session(
        platform_id=world.platform.pk,
        deployment_id="d",
        context_id="x",
        course_id=other.course.pk,
        user_sub="t",
        learner_id=None,
        roles={"instructor"},
    )
    response = _get(client, "/course/", launch)
    assert response.status_code == 403


def test_names_titles_and_comments_are_escaped(client, db):
    evil = "<script>alert(1)</script>"
    w = make_world(course_title=evil, learner_names=(evil,), achievement_name=evil)
    w.decide(w.learners[0], {"search": 9, "evaluate": 9}, comment=evil)
    html = _get(client, "/course/", w.launch(w.instructor, "instructor")).content.decode()
    assert evil not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_csv_export_of_the_course_decisions(client, world):
    ada, grace, _alan = world.learners
    grace.name = '=HYPERLINK("http://evil")'
    grace.save()
    world.decide(ada, {"search": 9, "evaluate": 7})
    world.decide(grace, {"search": 4, "evaluate": 8})
    other = make_world(platform=world.platform, learner_names=("Zed Other",))
    other.decide(other.learners[0], {"search": 10, "evaluate": 10})
    response = _get(client, "/course/decisions.csv", world.launch(world.instructor, "instructor"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 4  # two decisions × two criteria, none of the other course
    assert {r["learner_name"] for r in rows} == {"Ada Lovelace", '\'=HYPERLINK("http://evil")'}
    ada_search = next(r for r in rows if r["learner_sub"] == ada.sub and r["criterion"] == "search")
    assert ada_search["observed"] == "9.0" and ada_search["passed"] == "yes"
    assert ada_search["level"] == "Advanced" and ada_search["outcome"] == "met"


def test_csv_export_refuses_learners(client, world):
    response = _get(client, "/course/decisions.csv", world.launch(world.learners[0], "learner"))
    assert response.status_code == 403


def test_rule_mode_switch_is_saved_and_audited(client, world):
    launch = world.launch(world.instructor, "instructor")
    response = client.post(
        f"/course/rules/{world.rule.pk}/mode", {"lt": launch.token, "mode": "hold"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/course/?lt=")
    world.rule.refresh_from_db()
    assert world.rule.mode == AwardingRule.Mode.HOLD
    event = AuditEvent.objects.get(action="awarding.rule.mode")
    assert event.before == {"mode": "automatic"} and event.after == {"mode": "hold"}


def test_rule_mode_of_another_course_is_404(client, world):
    other = make_world(platform=world.platform)
    launch = world.launch(world.instructor, "instructor")
    response = client.post(
        f"/course/rules/{other.rule.pk}/mode", {"lt": launch.token, "mode": "hold"}
    )
    assert response.status_code == 404
    other.rule.refresh_from_db()
    assert other.rule.mode == AwardingRule.Mode.AUTOMATIC


def test_post_without_token_is_refused(client, world):
    response = client.post(f"/course/rules/{world.rule.pk}/mode", {"mode": "hold"})
    assert response.status_code == 403


def test_revoke_form_of_another_course_award_is_404(client, world):
    other = make_world(platform=world.platform)
    other.decide(other.learners[0], {"search": 10, "evaluate": 10})
    award = other.award(other.learners[0])
    launch = world.launch(world.instructor, "instructor")
    response = _get(client, f"/course/awards/{award.uuid}/revoke", launch)
    assert response.status_code == 404
    response = client.post(
        f"/course/awards/{award.uuid}/revoke", {"lt": launch.token, "reason": "copied work"}
    )
    assert response.status_code == 404
    award.refresh_from_db()
    assert award.state == Award.State.ISSUED


def test_revoke_needs_a_reason(client, world):
    world.decide(world.learners[0], {"search": 10, "evaluate": 10})
    award = world.award(world.learners[0])
    launch = world.launch(world.instructor, "instructor")
    response = client.post(
        f"/course/awards/{award.uuid}/revoke", {"lt": launch.token, "reason": " "}
    )
    assert response.status_code == 400
    assert b"reason" in response.content
    award.refresh_from_db()
    assert award.state == Award.State.ISSUED


def _queries_for_dashboard(client, learners):
    w = make_world(learner_names=tuple(f"Learner {i:03d}" for i in range(learners)))
    for person in w.learners:
        w.decide(person, {"search": 9, "evaluate": 7})
        w.award(person)
    token = w.launch(w.instructor, "instructor").token
    with count_queries() as queries:
        assert client.get("/course/", {"lt": token}).status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_learners(client, db):
    few = _queries_for_dashboard(client, 3)
    many = _queries_for_dashboard(client, 40)
    assert many == few, (few, many)
