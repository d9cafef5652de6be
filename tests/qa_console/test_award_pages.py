"""QA award pages: Django auth, scoped to the QA user's platforms; filters, flagged, reports."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, User

from awarding.models import Award
from rubrics.models import QA_GROUP, QAScope
from tests.pages.world import make_world

pytestmark = pytest.mark.django_db


def qa_user(*platforms, username="qa"):
    user = User.objects.create_user(username, password="pw-Strong-123")
    group, _ = Group.objects.get_or_create(name=QA_GROUP)
    user.groups.add(group)
    for platform in platforms:
        QAScope.objects.create(user=user, platform=platform)
    return user


@pytest.fixture
def two_worlds(db):
    mine = make_world(learner_names=("Ada Mine", "Bob Mine"))
    theirs = make_world(learner_names=("Zed Theirs",), achievement_name="Their Badge")
    mine.decide(mine.learners[0], {"search": 9, "evaluate": 8})
    mine.decide(mine.learners[1], {"search": 2})
    theirs.decide(theirs.learners[0], {"search": 10, "evaluate": 10})
    return mine, theirs


def test_anonymous_is_sent_to_login(client, two_worlds):
    response = client.get("/qa/awards/")
    assert response.status_code == 302
    assert "/qa/login/" in response["Location"]


def test_user_without_qa_scope_is_refused(client, two_worlds):
    User.objects.create_user("plain", password="pw-Strong-123")
    client.force_login(User.objects.get(username="plain"))  # axes: login() needs a request
    assert client.get("/qa/awards/").status_code == 403


def test_decisions_only_of_the_qa_users_platforms(client, two_worlds):
    mine, _theirs = two_worlds
    client.force_login(qa_user(mine.platform))
    html = client.get("/qa/awards/").content.decode()
    assert "Ada Mine" in html and "Bob Mine" in html
    assert "Zed Theirs" not in html and "Their Badge" not in html


def test_decision_filter_by_outcome(client, two_worlds):
    mine, _ = two_worlds
    client.force_login(qa_user(mine.platform))
    html = client.get("/qa/awards/", {"outcome": "met"}).content.decode()
    assert "Ada Mine" in html and "Bob Mine" not in html
    html = client.get(
        "/qa/awards/", {"course": mine.course.pk, "outcome": "insufficient_evidence"}
    ).content.decode()
    assert "Bob Mine" in html and "Ada Mine" not in html


def test_decision_of_another_platform_is_404(client, two_worlds):
    mine, theirs = two_worlds
    client.force_login(qa_user(mine.platform))
    other = theirs.decisions[theirs.learners[0].pk]
    assert client.get(f"/qa/awards/decisions/{other.pk}").status_code == 404
    own = mine.decisions[mine.learners[0].pk]
    html = client.get(f"/qa/awards/decisions/{own.pk}").content.decode()
    assert "Search data" in html and "Advanced" in html
    assert "Every grade evaluated" in html and '<time datetime="2026-11-20T10:00:00Z"' in html


def test_decisions_csv_is_scoped_and_filtered(client, two_worlds):
    mine, _ = two_worlds
    client.force_login(qa_user(mine.platform))
    response = client.get("/qa/awards/decisions.csv", {"outcome": "met"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {r["learner_name"] for r in rows} == {"Ada Mine"}


def test_flagged_awards_show_both_snapshots_and_can_be_kept(client, two_worlds):
    mine, theirs = two_worlds
    ada = mine.learners[0]
    award = mine.award(ada)
    lowered = mine.decide(ada, {"search": 3, "evaluate": 8})
    Award.objects.filter(pk=award.pk).update(
        state=Award.State.FLAGGED,
        flag_decision=lowered,
        flag_reason="A later evaluation is not_met",
    )
    theirs.award(theirs.learners[0], state=Award.State.FLAGGED)
    client.force_login(qa_user(mine.platform))
    html = client.get("/qa/awards/flagged").content.decode()
    assert "Ada Mine" in html and "Zed Theirs" not in html
    assert "Score at the award" in html
    assert "9 (Advanced)" in html  # search at the award
    assert '<td class="not_met">3</td>' in html  # search now
    their_award = Award.objects.get(learner=theirs.learners[0])
    # Another platform's award cannot be kept (404), one's own can.
    assert client.post("/qa/awards/flagged", {"award": their_award.uuid}).status_code == 404
    response = client.post("/qa/awards/flagged", {"award": award.uuid})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.state == Award.State.ISSUED


def test_reports_and_csv(client, two_worlds):
    mine, theirs = two_worlds
    mine.award(mine.learners[0])
    theirs.award(theirs.learners[0])
    client.force_login(qa_user(mine.platform))
    html = client.get("/qa/awards/reports").content.decode()
    assert "Data Literacy Badge" in html and "Their Badge" not in html
    response = client.get("/qa/awards/reports.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["report", "subject", "key", "count", "value"]
    per_rule = [r for r in rows if r[0] == "awards_per_rule"]
    assert len(per_rule) == 1 and per_rule[0][2:4] == ["issued", "1"]
    search = next(r for r in rows if r[0] == "pass_rate" and r[2] == "search")
    assert search[3] == "1/2" and search[4] == "0.5000"


def test_a_superuser_sees_only_the_platforms_of_their_qa_scopes(client, two_worlds):
    """ADR 0075: no QA rights by being a superuser; a scope (audited) grants them."""
    mine, _theirs = two_worlds
    root = User.objects.create_superuser("root", password="pw-Strong-123")
    client.force_login(root)  # axes: login() needs a request
    assert client.get("/qa/awards/").status_code == 403
    root.groups.add(Group.objects.get_or_create(name=QA_GROUP)[0])
    QAScope.objects.create(user=root, platform=mine.platform)
    html = client.get("/qa/awards/").content.decode()
    assert "Ada Mine" in html and "Zed Theirs" not in html


def test_qa_pages_escape_lms_text(client, db):
    evil = "<script>alert(1)</script>"
    w = make_world(course_title=evil, learner_names=(evil,), achievement_name=evil)
    decision = w.decide(w.learners[0], {"search": 9, "evaluate": 2}, comment=evil)
    w.award(w.learners[0], state=Award.State.FLAGGED, flag_reason=evil)
    client.force_login(qa_user(w.platform))
    for url in (
        "/qa/awards/",
        f"/qa/awards/decisions/{decision.pk}",
        "/qa/awards/flagged",
        "/qa/awards/reports",
    ):
        html = client.get(url).content.decode()
        assert evil not in html, url
        assert "&lt;script&gt;" in html, url
