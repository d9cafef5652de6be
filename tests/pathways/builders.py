"""Worlds for pathway tests: real platforms, courses, rubrics and issued credentials (the page
tests' `world`), DigComp alignments on criteria, and pathways put into use by two QA people."""

from __future__ import annotations

from assessments.models import Enrolment, Learner
from awarding.models import InstitutionSetting
from credentials.issuers import get_or_create_issuer
from lti_tool.models import Platform
from pathways import definition, workflow
from pathways.models import Pathway
from rubrics.actors import Actor
from rubrics.models import Competence, CriterionAlignment, ProficiencyLevel, RubricVersion
from tests.awarding.preload import ensure_preloaded
from tests.pages.world import World, make_world


def qa(platform: Platform, who: str = "author") -> Actor:
    return Actor(id=f"user:{who}", name=who.title(), qa_platform_ids=frozenset({platform.pk}))


def one_institution(*platforms: Platform, slug: str = "test-u") -> None:
    """Platforms whose settings name one issuer: one institution."""
    issuer = get_or_create_issuer(slug=slug, name="Test University")
    for platform in platforms:
        InstitutionSetting.objects.update_or_create(platform=platform, defaults={"issuer": issuer})


def level(position: int) -> ProficiencyLevel:
    ensure_preloaded()  # a transactional test's flush removed DigComp
    return ProficiencyLevel.objects.get(framework__slug="digcomp-2-2", position=position)


def competence(code: str) -> Competence:
    ensure_preloaded()
    return Competence.objects.get(framework__slug="digcomp-2-2", code=code)


def align(world: World, key: str, code: str, position: int | None) -> None:
    """Align a criterion of the world's (active) rubric version to a DigComp competence."""
    version = world.version
    # Alignments are written while a version is a draft; the world's version is built active.
    RubricVersion.objects.filter(pk=version.pk).update(state="draft")
    CriterionAlignment.objects.create(
        criterion=version.criteria.get(key=key),
        competence=competence(code),
        proficiency=level(position) if position else None,
    )
    RubricVersion.objects.filter(pk=version.pk).update(state="active")


def second_course(world: World, *, title: str, achievement_name: str) -> World:
    """Another course of the same platform, with the first world's learners enrolled."""
    other = make_world(
        platform=world.platform,
        course_title=title,
        learner_names=(),
        achievement_name=achievement_name,
    )
    for learner in world.learners:
        Enrolment.objects.create(course=other.course, learner=learner, roles=["Learner"])
    other.learners = list(world.learners)
    return other


def account_on(world: World, *, name: str, email: str = "") -> Learner:
    person = Learner.objects.create(
        platform=world.platform, sub=f"other-{name}", name=name, email=email
    )
    Enrolment.objects.create(course=world.course, learner=person, roles=["Learner"])
    return person


def active_pathway(
    platform: Platform,
    *,
    components=(),
    competencies=(),
    rule: str = Pathway.Rule.ALL,
    required_count: int | None = None,
    window_days: int | None = None,
    name: str = "Digital Skills Certificate",
) -> Pathway:
    """Written and submitted by one QA person, approved and put into use by another."""
    author, reviewer = qa(platform, "author"), qa(platform, "reviewer")
    pathway = definition.create_pathway(
        platform=platform,
        name=name,
        description="Stacks the institution's digital skills credentials.",
        criteria_narrative="Hold the credentials listed.",
        rule=rule,
        required_count=required_count,
        window_days=window_days,
        actor=author,
    )
    for achievement, min_level in components:
        definition.add_component(
            pathway=pathway, achievement=achievement, min_level=min_level, actor=author
        )
    for code, min_level, count in competencies:
        definition.add_competency(
            pathway=pathway,
            competence=competence(code),
            min_level=min_level,
            count=count,
            actor=author,
        )
    workflow.submit(pathway=pathway, actor=author)
    workflow.approve(pathway=pathway, actor=reviewer)
    return workflow.activate(pathway=pathway, actor=reviewer)
