"""Each read of the launch's hot path built once (ADR 0077) answers what the ORM answers for the
same data: rows found, rows not found, rows of another platform or person. Run on SQLite and on
PostgreSQL (DATABASE_URL): a read whose SQL drifted from its queryset, or from the ORM query it
replaced, fails here."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.launches import (
    CONTEXT_CLAIM,
    KNOWN_ENROLMENT,
    known_enrolment_offer,
    record_launch,
)
from assessments.models import Enrolment
from awarding.access import LAUNCH_COURSE, LAUNCH_LEARNER
from awarding.models import Achievement, AwardingRule, Notification
from awarding.selectors import (
    ACTIVE_RULES,
    UNREAD_NOTIFICATIONS,
    active_rules,
    learner_home_reads,
)
from lti_tool.models import Deployment
from lti_tool.prepared_reads import read_together
from lti_tool.registry import DEPLOYMENT_WITH_PLATFORM, PLATFORM_BY_PK, PLATFORM_OF_CLIENT
from pathways.account_links import LINKS_OF_ONE, _links_of, person_learner_ids
from pathways.models import AccountLink
from pathways.progress_reads import INSTITUTION_PATHWAYS, learner_pathways, pathway_reads
from pathways.stacking import active_pathways_for
from tests.lti_tool.test_prepared_reads import assert_same_instances
from tests.pages.world import make_world
from tests.pathways.builders import account_on, active_pathway, one_institution

pytestmark = pytest.mark.django_db


def same_as_queryset(read, related=(), **values) -> list:
    found = read.all(**values)
    assert_same_instances(found, list(read.queryset(**values)), related=related)
    return found


def test_the_platform_and_deployment_reads():
    world, other = make_world(), make_world()
    platform = world.platform
    Deployment.objects.create(platform=platform, deployment_id="dep-1")
    Deployment.objects.create(platform=platform, deployment_id="dep-2", active=False)
    Deployment.objects.create(platform=other.platform, deployment_id="dep-1")
    for issuer, client_id in [
        (platform.issuer, platform.client_id),
        (platform.issuer, other.platform.client_id),
        ("https://nowhere.example", platform.client_id),
    ]:
        same_as_queryset(PLATFORM_OF_CLIENT, issuer=issuer, client_id=client_id)
    assert PLATFORM_OF_CLIENT.first(issuer=platform.issuer, client_id=platform.client_id) == (
        platform
    )
    for pk in (platform.pk, other.platform.pk, 0):
        same_as_queryset(PLATFORM_BY_PK, pk=pk)
    for platform_id, deployment_id in [
        (platform.pk, "dep-1"),
        (platform.pk, "dep-2"),
        (other.platform.pk, "dep-1"),
        (platform.pk, "dep-3"),
    ]:
        found = same_as_queryset(
            DEPLOYMENT_WITH_PLATFORM,
            related=("platform",),
            platform_id=platform_id,
            deployment_id=deployment_id,
        )
        assert [(d.platform_id, d.deployment_id) for d in found] == (
            [(platform_id, deployment_id)] if deployment_id != "dep-3" else []
        )


def test_the_returning_persons_enrolment_with_course_and_learner():
    world, other = make_world(), make_world()
    ada = world.learners[0]
    cases = [
        (world.platform.pk, world.course.context_id, ada.sub),
        (world.platform.pk, world.course.context_id, "nobody"),
        (world.platform.pk, other.course.context_id, ada.sub),
        (other.platform.pk, world.course.context_id, ada.sub),
        (other.platform.pk, other.course.context_id, other.learners[0].sub),
    ]
    for platform_id, context_id, sub in cases:
        same_as_queryset(
            KNOWN_ENROLMENT,
            related=("course", "learner"),
            course_platform_id=platform_id,
            context_id=context_id,
            learner_platform_id=platform_id,
            sub=sub,
        )
    found = KNOWN_ENROLMENT.first(
        course_platform_id=world.platform.pk,
        context_id=world.course.context_id,
        learner_platform_id=world.platform.pk,
        sub=ada.sub,
    )
    assert found == Enrolment.objects.get(course=world.course, learner=ada)
    assert found.course == world.course and found.learner == ada


def test_the_enrolment_read_offered_before_verification_is_used_only_for_the_same_claims():
    """The launch sends record_launch's enrolment read, keyed by the unverified claims, with its
    platform read (known_enrolment_offer); record_launch uses that answer only when the
    verified claims make the same read, and reads its own otherwise."""
    world = make_world()
    ada, grace = world.learners[:2]
    platform = world.platform

    def claims(person, context_id=world.course.context_id):
        return {
            "sub": person.sub,
            CONTEXT_CLAIM: {"id": context_id, "title": world.course.title},
            "name": person.name,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "email": person.email,
        }

    for unreadable in (
        {},
        {"sub": 7},
        {"sub": "s", CONTEXT_CLAIM: {"id": True}},
        {"sub": "s"},
        {"sub": "s\x00", CONTEXT_CLAIM: {"id": "c"}},  # PostgreSQL refuses a NUL in text
        {"sub": "s", CONTEXT_CLAIM: {"id": "c\x00"}},
    ):
        assert known_enrolment_offer(platform_id=platform.pk, claims=unreadable) is None
    offer = known_enrolment_offer(platform_id=platform.pk, claims=claims(ada))
    answer = read_together(offer)[0]
    assert [e.learner for e in answer] == [ada]
    roles = sorted(Enrolment.objects.get(course=world.course, learner=ada).roles)
    with CaptureQueriesContext(connection) as queries:
        course, learner = record_launch(
            platform=platform, claims=claims(ada), roles=roles, offered=(offer, answer)
        )
    assert (course, learner) == (world.course, ada)
    assert [q["sql"] for q in queries if "assessments_enrolment" in q["sql"]] == []
    # Verified claims of another person (or course) than the offer's: read anew.
    with CaptureQueriesContext(connection) as queries:
        course, learner = record_launch(
            platform=platform, claims=claims(grace), roles=roles, offered=(offer, answer)
        )
    assert (course, learner) == (world.course, grace)
    assert any("assessments_enrolment" in q["sql"] for q in queries)
    # A stale offer (the answer says nobody): the same read, so it stands (a first launch).
    nobody = {**claims(ada), "sub": "new-person"}
    offer = known_enrolment_offer(platform_id=platform.pk, claims=nobody)
    course, learner = record_launch(
        platform=platform, claims=nobody, roles=["learner"], offered=(offer, [])
    )
    assert learner.sub == "new-person" and course == world.course
    assert Enrolment.objects.filter(course=world.course, learner=learner).exists()


def test_the_learner_pages_course_learner_and_unread_notifications():
    world, other = make_world(), make_world()
    ada, grace = world.learners[:2]
    for learner in (ada, grace):
        world.decide(learner, {"search": 9, "evaluate": 9})
        award = world.award(learner)
        for kind, read_at in [
            ("awarded", None),
            ("suspended", None),
            ("reinstated", world.course.created_at),
        ]:
            Notification.objects.create(
                learner=learner, course=world.course, award=award, kind=kind,
                message=kind, read_at=read_at,
            )  # fmt: skip
    for pk, platform_id in [
        (world.course.pk, world.platform.pk),
        (world.course.pk, other.platform.pk),
        (other.course.pk, other.platform.pk),
    ]:
        same_as_queryset(LAUNCH_COURSE, related=("platform",), pk=pk, platform_id=platform_id)
    for name, active in (("Inactive", False), ("Second", True)):
        AwardingRule.objects.create(
            course=world.course,
            achievement=Achievement.objects.create(
                platform=world.platform, course=world.course, name=name
            ),
            rubric=world.rubric,
            active=active,
        )
    for course in (world.course, other.course):
        found = same_as_queryset(ACTIVE_RULES, related=("achievement",), course_id=course.pk)
        assert_same_instances(found, list(active_rules(course)), related=("achievement",))
    assert len(ACTIVE_RULES.all(course_id=world.course.pk)) == 2
    for pk, platform_id in [(ada.pk, world.platform.pk), (ada.pk, other.platform.pk)]:
        same_as_queryset(LAUNCH_LEARNER, pk=pk, platform_id=platform_id)
    for learner, course in [(ada, world.course), (grace, world.course), (ada, other.course)]:
        found = same_as_queryset(
            UNREAD_NOTIFICATIONS,
            related=("award", "award__achievement"),
            learner_id=learner.pk,
            course_id=course.pk,
        )
        assert all(n.learner_id == learner.pk and n.read_at is None for n in found)
    assert len(UNREAD_NOTIFICATIONS.all(learner_id=ada.pk, course_id=world.course.pk)) == 2
    # The learner page sends the two reads together (with its course and learner, and the
    # sections' reads): the same answers.
    for learner, course in [(ada, world.course), (grace, world.course), (ada, other.course)]:
        reads = learner_home_reads(
            launch=world.launch(learner), course_id=course.pk, learner_id=learner.pk
        )
        assert [k for k in reads if not k.startswith("section:")] == ["rules", "notifications"]
        assert "section:pathways:0" in reads
        rules, notifications, *_ = read_together(*reads.values())
        assert_same_instances(rules, ACTIVE_RULES.all(course_id=course.pk), ("achievement",))
        assert_same_instances(
            notifications,
            UNREAD_NOTIFICATIONS.all(learner_id=learner.pk, course_id=course.pk),
            ("award", "award__achievement"),
        )


def test_the_pathway_reads_of_a_person_with_one_account_and_with_linked_ones():
    world, neighbour, elsewhere = make_world(), make_world(), make_world()
    one_institution(world.platform, neighbour.platform)
    ada = world.learners[0]
    # Before any pathway: nothing, from the read built once as from the ORM's.
    for platform in (world.platform, elsewhere.platform):
        assert INSTITUTION_PATHWAYS.all(own=platform.pk, sharing_with=platform.pk) == []
        assert list(active_pathways_for([platform.pk])) == []
    own = active_pathway(world.platform, components=[(world.achievement, None)], name="Own")
    shared = active_pathway(
        neighbour.platform, components=[(neighbour.achievement, None)], name="Shared"
    )
    active_pathway(elsewhere.platform, components=[(elsewhere.achievement, None)], name="Else")
    for platform in (world.platform, neighbour.platform, elsewhere.platform):
        found = same_as_queryset(
            INSTITUTION_PATHWAYS,
            related=("achievement",),
            own=platform.pk,
            sharing_with=platform.pk,
        )
        # The same pathways as the ORM's query it stands for (no order: the page sorts).
        expected = active_pathways_for([platform.pk]).select_related("achievement")
        assert_same_instances(
            sorted(found, key=lambda p: p.pk),
            sorted(expected, key=lambda p: p.pk),
            related=("achievement",),
        )
    # A platform's institution: its own pathways and its neighbour's, not another's.
    found = INSTITUTION_PATHWAYS.all(own=ada.platform_id, sharing_with=ada.platform_id)
    assert {p.pk for p in found} == {own.pk, shared.pk}

    # Account links: the first step's read is the ORM's union for one account.
    second, third = account_on(world, name="Ada two"), account_on(neighbour, name="Ada three")
    assert LINKS_OF_ONE.rows(first=ada.pk, second=ada.pk) == []
    AccountLink.objects.create(
        first=ada, second=second, reason="r", requested_by="u:1", state="approved"
    )
    AccountLink.objects.create(
        first=second, second=third, reason="r", requested_by="u:1", state="approved"
    )
    AccountLink.objects.create(first=ada, second=third, reason="r", requested_by="u:1")
    for learner in (ada, second, third, world.learners[1]):
        found = LINKS_OF_ONE.rows(first=learner.pk, second=learner.pk)
        assert sorted(found) == sorted(_links_of([learner.pk], [learner.pk]))
        assert found == list(LINKS_OF_ONE.queryset(first=learner.pk, second=learner.pk))
    assert person_learner_ids(ada.pk) == {ada.pk, second.pk, third.pk}
    assert person_learner_ids(world.learners[1].pk) == {world.learners[1].pk}
    # The first step read by the caller (the learner page, with the pathways): the same people.
    for learner in (ada, second, third, world.learners[1]):
        first_step = LINKS_OF_ONE.rows(first=learner.pk, second=learner.pk)
        assert person_learner_ids(learner.pk, first_step=first_step) == person_learner_ids(
            learner.pk
        )
    # The learner page's section: a person with linked accounts sees their institution's
    # pathways, not only the ones the read sent with the links found for one account.
    for learner in (ada, world.learners[1], elsewhere.learners[0], third):
        alone = learner_pathways(learner)
        read_first = read_together(
            *pathway_reads(learner_id=learner.pk, platform_id=learner.platform_id)
        )
        assert learner_pathways(learner, ahead=tuple(read_first)) == alone
    assert {p.pathway.pk for p in learner_pathways(ada)} == {own.pk, shared.pk}
    assert {p.pathway.pk for p in learner_pathways(world.learners[1])} == {own.pk, shared.pk}
    assert [p.pathway.pk for p in learner_pathways(elsewhere.learners[0])] != []


def test_a_placement_of_one_credential_does_not_read_for_the_sections():
    """Such a page shows no sections (awarding.views.learner): nothing is read for them."""
    world = make_world()
    ada = world.learners[0]
    launch = world.launch(ada, placement="a-placement-key")
    reads = learner_home_reads(launch=launch, course_id=world.course.pk, learner_id=ada.pk)
    assert list(reads) == ["rules", "notifications"]
