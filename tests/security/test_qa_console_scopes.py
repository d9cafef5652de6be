"""The QA console from the attacker's side (ADR 0075): QA rights are the acting person's
audited QA scopes and nothing else. A superuser without a scope, a staff user and a plain
signed-in user are refused on every page and action; a QA person of another institution
(superuser or not) sees none of this institution's data and changes nothing of it. Every
console route is in the table below, so a new page is tried too."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.urls import get_resolver

from audit.models import AuditEvent
from awarding.award_proposals import propose_award
from awarding.bulk_awards import store_upload
from awarding.endorsements import endorse_as_qa
from awarding.models import Award, Endorser
from awarding.status_changes import request_status_change
from credentials.models import StatusCategory
from rubrics.models import QA_GROUP, QAScope
from tests.pages.world import issue, make_world
from tests.pathways.builders import active_pathway

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Strong-123"
# Reached without QA rights by design: signing in and out, and the handoff from a launch.
NOT_QA_ROUTES = {"qa:login", "qa:logout", "qa:handoff_start", "qa:handoff_redeem"}
# An operator's (superuser's) decisions that belong to no institution: trusting an endorsing
# organisation. Any QA scope lets an operator in to make them; no QA scope alone grants them.
OPERATOR_ROUTES = {"qa:register_endorser", "qa:deregister_endorser"}


@pytest.fixture
def mine(settings):
    settings.PUBLIC_BASE_URL = "https://tool.example.edu"
    w = make_world(
        course_title="Secret Course of Mine",
        learner_names=("Ada Mine", "Bob Mine", "Cy Mine"),
        achievement_name="Badge of Mine",
    )
    teacher = f"lti:{w.platform.pk}:{w.instructor.sub}"
    w.issued = issue(w, w.learners[0])
    w.decide(w.learners[1], {"search": 9, "evaluate": 9})
    w.flagged = w.award(w.learners[1], state=Award.State.FLAGGED, flag_reason="Grade lowered")
    w.change = request_status_change(
        award=w.issued,
        action="suspend",
        private_reason="Checking an appeal.",
        public_category=StatusCategory.OTHER,
        actor=teacher,
        actor_name=w.instructor.name,
    )
    w.proposal = propose_award(
        course=w.course,
        learner=w.learners[2],
        achievement=w.achievement,
        kind="manual",
        reason="Showed it in the workshop.",
        evidence_url="https://evidence.example.org/bob",
        actor=teacher,
        actor_name=w.instructor.name,
    )
    w.upload = store_upload(
        course=w.course,
        kind="award",
        data=f"learner,achievement,reason\n{w.learners[2].sub},{w.achievement.name},x\n".encode(),
        file_name="awards.csv",
        actor=teacher,
    )
    w.endorsement = endorse_as_qa(achievement=w.achievement, comment="Good.", actor="user:qa")
    w.endorser = Endorser.objects.create(
        did="did:web:guild.example",
        name="Guild",
        verification_methods=[],
        document_url="https://guild.example/.well-known/did.json",
        registered_by="operator:test",
    )
    w.pathway = active_pathway(w.platform, components=[(w.achievement, None)])
    return w


@pytest.fixture
def theirs(db):
    return make_world(learner_names=("Zed Theirs",), achievement_name="Their Badge")


def _user(username: str, *, scopes=(), group: bool = True, **flags) -> User:
    user = User.objects.create_user(username, password=PASSWORD, **flags)
    if group:
        user.groups.add(Group.objects.get_or_create(name=QA_GROUP)[0])
    for platform in scopes:
        QAScope.objects.create(user=user, platform=platform)
    return user


def _routes(w) -> list[tuple[str, str, str, dict]]:
    """(route name, method, URL, form data) for every QA console page and action, each aimed
    at this world's data."""
    e, d = w.endorsement.uuid, w.decisions[w.learners[0].pk].pk
    return [
        ("qa:home", "get", "/qa/", {}),
        ("qa:review", "get", f"/qa/versions/{w.version.pk}/", {}),
        (
            "qa:review",
            "post",
            f"/qa/versions/{w.version.pk}/",
            {"action": "reject", "comment": "x"},
        ),
        ("qa:decisions", "get", "/qa/awards/", {}),
        ("qa:decisions_csv", "get", "/qa/awards/decisions.csv", {}),
        ("qa:decision", "get", f"/qa/awards/decisions/{d}", {}),
        ("qa:flagged", "get", "/qa/awards/flagged", {}),
        ("qa:flagged", "post", "/qa/awards/flagged", {"award": w.flagged.uuid, "action": "keep"}),
        ("qa:revocations", "get", "/qa/awards/revocations", {}),
        ("qa:revoke", "post", f"/qa/awards/{w.issued.uuid}/revoke", {"reason": "Because."}),
        ("qa:status_changes", "get", "/qa/awards/status-changes", {}),
        ("qa:status_change", "get", f"/qa/awards/status-changes/{w.change.uuid}", {}),
        (
            "qa:decide_status_change",
            "post",
            f"/qa/awards/status-changes/{w.change.uuid}/confirm",
            {"note": "ok"},
        ),
        ("qa:proposals", "get", "/qa/proposals/", {}),
        ("qa:proposal", "get", f"/qa/proposals/{w.proposal.uuid}", {}),
        ("qa:proposal_evidence", "get", f"/qa/proposals/{w.proposal.uuid}/evidence", {}),
        (
            "qa:decide_proposal",
            "post",
            f"/qa/proposals/{w.proposal.uuid}/approve",
            {"note": "ok"},
        ),
        ("qa:bulk", "get", "/qa/bulk/", {}),
        ("qa:bulk", "post", "/qa/bulk/", {"course": w.course.pk, "kind": "award"}),
        ("qa:bulk_preview", "get", f"/qa/bulk/{w.upload.uuid}", {}),
        ("qa:bulk_preview_csv", "get", f"/qa/bulk/{w.upload.uuid}/preview.csv", {}),
        ("qa:bulk_apply", "post", f"/qa/bulk/{w.upload.uuid}/apply", {}),
        ("qa:reports", "get", "/qa/awards/reports", {}),
        ("qa:reports_csv", "get", "/qa/awards/reports.csv", {}),
        ("qa:endorsements", "get", "/qa/endorsements/", {}),
        (
            "qa:endorse",
            "post",
            "/qa/endorsements/endorse",
            {"achievement": w.achievement.pk, "comment": "Mine now."},
        ),
        ("qa:submit_endorsement", "post", "/qa/endorsements/submit", {"document": "{}"}),
        (
            "qa:withdraw_endorsement",
            "post",
            f"/qa/endorsements/{e}/withdraw",
            {"reason": "Gone."},
        ),
        (
            "qa:register_endorser",
            "post",
            "/qa/endorsements/organisations",
            {"did": "did:web:evil.example", "name": "Evil"},
        ),
        (
            "qa:deregister_endorser",
            "post",
            f"/qa/endorsements/organisations/{w.endorser.pk}/deregister",
            {},
        ),
        ("qa:audit_log", "get", "/qa/audit/", {}),
        ("qa:audit_csv", "get", "/qa/audit.csv", {}),
        ("pathways:list", "get", "/qa/pathways/", {}),
        (
            "pathways:list",
            "post",
            "/qa/pathways/",
            {"platform": w.platform.pk, "name": "Taken over", "rule": "all"},
        ),
        ("pathways:detail", "get", f"/qa/pathways/{w.pathway.uuid}/", {}),
        ("pathways:detail", "post", f"/qa/pathways/{w.pathway.uuid}/", {"action": "retire"}),
    ]


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _state(w) -> tuple:
    """What any change would move: every change in the console writes an audit event with
    it, and the objects the actions above aim at keep their states."""
    w.endorser.refresh_from_db()
    return (
        AuditEvent.objects.count(),
        sorted(Award.objects.values_list("uuid", "state")),
        w.change.__class__.objects.get(pk=w.change.pk).state,
        w.proposal.__class__.objects.get(pk=w.proposal.pk).state,
        w.upload.__class__.objects.get(pk=w.upload.pk).applied_at,
        w.endorsement.__class__.objects.get(pk=w.endorsement.pk).state,
        w.endorser.active,
        Endorser.objects.count(),
        w.pathway.__class__.objects.get(pk=w.pathway.pk).state,
        w.pathway.__class__.objects.count(),
    )


def test_the_table_names_every_console_route(mine):
    resolver = get_resolver()
    names = {
        f"{ns}:{name}"
        for ns in ("qa", "pathways")
        for name in resolver.namespace_dict[ns][1].reverse_dict
        if isinstance(name, str)
    }
    assert names - NOT_QA_ROUTES == {name for name, *_ in _routes(mine)}


@pytest.mark.parametrize(
    "who",
    ["superuser without a scope", "superuser in the QA group without a scope", "staff", "plain"],
)
def test_no_qa_scope_no_console_whoever_you_are(client, mine, who):
    user = {
        "superuser without a scope": lambda: _user(
            "root", group=False, is_superuser=True, is_staff=True
        ),
        "superuser in the QA group without a scope": lambda: _user(
            "root", is_superuser=True, is_staff=True
        ),
        "staff": lambda: _user("staff", group=False, is_staff=True),
        "plain": lambda: _user("plain", group=False),
    }[who]()
    client.force_login(user)
    before = _state(mine)
    for name, method, url, data in _routes(mine):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (name, method, response.status_code)
        assert "Ada Mine" not in _body(response), name
    assert _state(mine) == before


@pytest.mark.parametrize("superuser", [False, True], ids=["qa", "superuser"])
def test_qa_of_another_institution_sees_and_changes_nothing_here(client, mine, theirs, superuser):
    client.force_login(_user("other", scopes=[theirs.platform], is_superuser=superuser))
    before = _state(mine)
    for name, method, url, data in _routes(mine):
        if superuser and name in OPERATOR_ROUTES:
            continue  # the operator's own, for every institution: tested in tests/qa_console
        response = getattr(client, method)(url, data)
        if name in OPERATOR_ROUTES:
            assert response.status_code == 403, name
        body = _body(response)
        # Lists answer with the other institution's rows only; anything of this one is
        # not found, refused or a form that does not offer it.
        assert response.status_code in (200, 302, 400, 403, 404), (name, method)
        for secret in ("Ada Mine", "Bob Mine", "Cy Mine", "Badge of Mine", "Secret Course of Mine"):
            assert secret not in body, (name, method, secret)
    assert _state(mine) == before


def test_a_superuser_acts_as_qa_only_where_a_scope_was_granted(client, mine, theirs):
    """With a scope on this institution (granted in the admin, audited), the operator sees it
    and not the other one; the same console pages, the same filter."""
    client.force_login(_user("root", scopes=[mine.platform], is_superuser=True, is_staff=True))
    decisions = client.get("/qa/awards/").content.decode()
    assert "Ada Mine" in decisions and "Zed Theirs" not in decisions
    flagged = client.get("/qa/awards/flagged").content.decode()
    assert "Bob Mine" in flagged
    endorsements = client.get("/qa/endorsements/").content.decode()
    assert "Badge of Mine" in endorsements and "Their Badge" not in endorsements


def test_the_admin_shows_awards_but_moves_none(client, mine):
    """The way around the console: a superuser editing an award's row. The admin shows it
    read-only; its state moves only through the audited services."""
    client.force_login(_user("root", group=False, is_superuser=True, is_staff=True))
    url = f"/admin/awarding/award/{mine.issued.pk}/change/"
    assert client.get(url).status_code == 200
    before = _state(mine)
    response = client.post(url, {"state": Award.State.REVOKED, "postback_state": "done"})
    assert response.status_code == 403
    assert client.get("/admin/awarding/award/add/").status_code == 403
    assert _state(mine) == before
