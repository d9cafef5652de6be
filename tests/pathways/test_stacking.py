"""Stacked credentials through the real pipeline: a component issued (issue_award) → the
award_issued signal → pathways' check → grant_award → the same issuance task → a signed
credential that names its components as evidence and verifies like any other. And the other
way: a revoked component flags the stacked credential for QA."""

import json

import pytest

from assessments.models import Learner
from awarding.models import Award
from awarding.revoke import revoke_award
from credentials.local_verification import verify_credential
from pathways.account_links import approve_link, request_link
from pathways.models import Pathway
from pathways.stacking import award_if_met
from tests.pages.world import issue, make_world

from .builders import active_pathway, align, level, one_institution, second_course

pytestmark = pytest.mark.django_db


def _issue(world, learner, callbacks, scores=None):
    """Issue a component and run what its commit sets off (signal, check, grant, issue)."""
    with callbacks(execute=True):
        return issue(world, learner, scores)


def _stacked(pathway, learner=None):
    awards = Award.objects.filter(achievement=pathway.achievement)
    return awards.get(learner=learner) if learner else awards


def test_cross_course_components_award_the_stacked_credential_automatically(
    django_capture_on_commit_callbacks, settings
):
    search = make_world(course_title="Searching", achievement_name="Searcher")
    create = second_course(search, title="Creating", achievement_name="Creator")
    ada, grace = search.learners[0], search.learners[1]
    pathway = active_pathway(
        search.platform, components=[(search.achievement, None), (create.achievement, None)]
    )
    first = _issue(search, ada, django_capture_on_commit_callbacks)
    _issue(search, grace, django_capture_on_commit_callbacks)
    assert not _stacked(pathway).exists()  # one of two: nothing yet
    second = _issue(create, ada, django_capture_on_commit_callbacks)

    stacked = _stacked(pathway, ada)
    assert (stacked.state, stacked.basis, stacked.course_id) == ("issued", "pathway", None)
    assert set(stacked.components.all()) == {first, second}
    document = json.loads(stacked.credential.document)
    result = verify_credential(document)
    assert result.ok, result.errors
    evidence = {e["id"]: e for e in document["evidence"]}
    for component in (first, second):
        url = f"{settings.PUBLIC_BASE_URL.rstrip('/')}/credentials/{component.uuid}"
        assert url in evidence
        assert evidence[url]["name"] == component.achievement.name
    assert document["credentialSubject"]["achievement"]["achievementType"] == "Certificate"
    assert not _stacked(pathway).filter(learner=grace).exists()


def test_n_of_awards_at_the_nth_component_and_only_once(django_capture_on_commit_callbacks):
    a = make_world(course_title="A", achievement_name="A badge")
    b = second_course(a, title="B", achievement_name="B badge")
    c = second_course(a, title="C", achievement_name="C badge")
    ada = a.learners[0]
    pathway = active_pathway(
        a.platform,
        components=[(w.achievement, None) for w in (a, b, c)],
        rule=Pathway.Rule.N_OF,
        required_count=2,
    )
    _issue(a, ada, django_capture_on_commit_callbacks)
    _issue(b, ada, django_capture_on_commit_callbacks)
    assert _stacked(pathway, ada).state == "issued"
    _issue(c, ada, django_capture_on_commit_callbacks)  # a third: no second stacked award
    assert _stacked(pathway).count() == 1
    assert award_if_met(pathway=pathway, learner_id=ada.pk) is None


def test_digcomp_competency_count_at_a_minimum_level(django_capture_on_commit_callbacks):
    """ "Two credentials aligned to DigComp 5 at level Intermediate 3 or higher"."""
    worlds = [make_world(course_title="Solve 1", achievement_name="Solver 1")]
    worlds += [
        second_course(worlds[0], title=f"Solve {i}", achievement_name=f"S{i}") for i in (2, 3)
    ]
    align(worlds[0], "search", "5.1", 2)  # Foundation 2: below the level
    align(worlds[1], "search", "5.2", 3)
    align(worlds[2], "evaluate", "5.4", 4)
    ada = worlds[0].learners[0]
    pathway = active_pathway(worlds[0].platform, competencies=[("5", level(3), 2)])
    _issue(worlds[0], ada, django_capture_on_commit_callbacks)
    _issue(worlds[1], ada, django_capture_on_commit_callbacks)
    assert not _stacked(pathway).exists()
    # A criterion the decision did not pass shows no competence: 4 of 10 misses "evaluate".
    _issue(
        worlds[2],
        worlds[0].learners[1],
        django_capture_on_commit_callbacks,
        {"search": 9, "evaluate": 4},
    )
    assert not _stacked(pathway).exists()
    third = _issue(worlds[2], ada, django_capture_on_commit_callbacks)
    stacked = _stacked(pathway, ada)
    assert stacked.state == "issued"
    assert third in stacked.components.all()
    assert stacked.components.count() == 2


def test_minimum_level_of_a_component(django_capture_on_commit_callbacks):
    w = make_world()
    align(w, "search", "1.1", 3)
    ada = w.learners[0]
    at_four = active_pathway(w.platform, components=[(w.achievement, level(4))], name="Four")
    at_three = active_pathway(w.platform, components=[(w.achievement, level(3))], name="Three")
    _issue(w, ada, django_capture_on_commit_callbacks)
    assert _stacked(at_three, ada).state == "issued"
    assert not _stacked(at_four).exists()


def test_time_window(django_capture_on_commit_callbacks):
    a = make_world(course_title="A", achievement_name="A badge")
    b = second_course(a, title="B", achievement_name="B badge")
    ada = a.learners[0]
    pathway = active_pathway(
        a.platform, components=[(a.achievement, None), (b.achievement, None)], window_days=30
    )
    first = _issue(a, ada, django_capture_on_commit_callbacks)
    Award.objects.filter(pk=first.pk).update(issued_at=first.issued_at.replace(year=2020))
    _issue(b, ada, django_capture_on_commit_callbacks)
    assert not _stacked(pathway).exists()


def test_cross_platform_through_an_approved_link_never_through_email(
    django_capture_on_commit_callbacks,
):
    moodle = make_world(course_title="On Moodle", achievement_name="Moodle badge")
    canvas = make_world(course_title="On Canvas", achievement_name="Canvas badge")
    one_institution(moodle.platform, canvas.platform)
    ada = moodle.learners[0]
    ada_on_canvas = canvas.learners[0]
    Learner.objects.filter(pk__in=(ada.pk, ada_on_canvas.pk)).update(email="ada@example.org")
    pathway = active_pathway(
        moodle.platform, components=[(moodle.achievement, None), (canvas.achievement, None)]
    )
    _issue(moodle, ada, django_capture_on_commit_callbacks)
    _issue(canvas, ada_on_canvas, django_capture_on_commit_callbacks)
    assert not _stacked(pathway).exists(), "the same e-mail address must not make one person"

    link = request_link(one=ada, other=ada_on_canvas, reason="ID seen", actor="user:1")
    approve_link(link=link, actor="user:2")
    # The next credential of either account sets off the check (here: checked directly).
    stacked = award_if_met(pathway=pathway, learner_id=ada_on_canvas.pk)
    assert stacked is not None
    # To the person's account on the pathway's home platform.
    assert stacked.learner_id == ada.pk


def test_a_revoked_component_flags_the_stacked_credential_for_qa(
    django_capture_on_commit_callbacks,
):
    a = make_world(course_title="A", achievement_name="A badge")
    b = second_course(a, title="B", achievement_name="B badge")
    ada = a.learners[0]
    pathway = active_pathway(a.platform, components=[(a.achievement, None), (b.achievement, None)])
    first = _issue(a, ada, django_capture_on_commit_callbacks)
    _issue(b, ada, django_capture_on_commit_callbacks)
    stacked = _stacked(pathway, ada)
    with django_capture_on_commit_callbacks(execute=True):
        revoke_award(award=first, reason="Grade entered for the wrong person", actor="user:qa")
    stacked.refresh_from_db()
    assert stacked.state == "flagged"
    assert "“A badge” was revoked" in stacked.flag_reason
    assert "Missing “A badge”." in stacked.flag_reason
    assert stacked.credential.status == "active"  # QA decides: keep or revoke


def test_a_revoked_component_with_a_spare_leaves_the_stacked_credential_alone(
    django_capture_on_commit_callbacks,
):
    a = make_world(course_title="A", achievement_name="A badge")
    b = second_course(a, title="B", achievement_name="B badge")
    c = second_course(a, title="C", achievement_name="C badge")
    ada = a.learners[0]
    pathway = active_pathway(
        a.platform,
        components=[(w.achievement, None) for w in (a, b, c)],
        rule=Pathway.Rule.N_OF,
        required_count=2,
    )
    first = _issue(a, ada, django_capture_on_commit_callbacks)
    _issue(b, ada, django_capture_on_commit_callbacks)
    _issue(c, ada, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        revoke_award(award=first, reason="Wrong person", actor="user:qa")
    assert _stacked(pathway, ada).state == "issued"


def test_putting_a_pathway_into_use_awards_those_who_already_meet_it(
    django_capture_on_commit_callbacks,
):
    a = make_world(course_title="A", achievement_name="A badge")
    ada, grace = a.learners[0], a.learners[1]
    issue(a, ada)
    issue(a, grace)
    with django_capture_on_commit_callbacks(execute=True):
        pathway = active_pathway(a.platform, components=[(a.achievement, None)])
    assert set(_stacked(pathway).values_list("learner_id", "state")) == {
        (ada.pk, "issued"),
        (grace.pk, "issued"),
    }
