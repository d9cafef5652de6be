"""A pathway's review: only QA of its institution writes and moves it, the submitter never
approves it, its content changes only in draft, each step is audited."""

import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from pathways import definition, workflow
from pathways.definition import PathwayError
from pathways.models import Pathway
from tests.pages.world import make_platform, make_world

from .builders import competence, level, one_institution, qa

pytestmark = pytest.mark.django_db


def _draft(platform, actor, **rule):
    return definition.create_pathway(
        platform=platform,
        name="Digital Skills Certificate",
        description="Stacks two credentials.",
        criteria_narrative="Hold both.",
        actor=actor,
        **rule,
    )


def test_the_whole_review_with_four_eyes_and_its_audit_trail():
    w = make_world()
    author, reviewer = qa(w.platform, "author"), qa(w.platform, "reviewer")
    pathway = _draft(w.platform, author)
    assert pathway.achievement.course is None
    assert pathway.achievement.achievement_type == "Certificate"
    definition.add_component(
        pathway=pathway, achievement=w.achievement, min_level=level(3), actor=author
    )
    definition.add_competency(
        pathway=pathway, competence=competence("5"), min_level=level(3), count=2, actor=author
    )
    workflow.submit(pathway=pathway, actor=author)
    with pytest.raises(PathwayError, match="another person"):
        workflow.approve(pathway=pathway, actor=author)
    with pytest.raises(PathwayError, match="draft"):
        definition.add_component(
            pathway=pathway, achievement=w.achievement, min_level=None, actor=author
        )
    approved = workflow.approve(pathway=pathway, actor=reviewer)
    assert (approved.state, approved.approved_by, approved.approved_by_name) == (
        "approved",
        "user:reviewer",
        "Reviewer",
    )
    assert approved.approved_at is not None
    workflow.activate(pathway=pathway, actor=reviewer)
    workflow.retire(pathway=pathway, actor=author)
    kinds = list(
        AuditEvent.objects.filter(object_type="pathway", object_id=str(pathway.uuid))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert kinds == [
        "pathway.created",
        "pathway.edited",
        "pathway.edited",
        "pathway.submitted",
        "pathway.approved",
        "pathway.activated",
        "pathway.retired",
    ]


def test_the_database_refuses_an_approval_by_the_submitter():
    w = make_world()
    pathway = _draft(w.platform, qa(w.platform))
    with pytest.raises(IntegrityError), transaction.atomic():
        Pathway.objects.filter(pk=pathway.pk).update(submitted_by="user:x", approved_by="user:x")


def test_only_qa_of_the_institution_writes_or_reviews():
    w = make_world()
    stranger = qa(make_platform(), "stranger")
    with pytest.raises(PathwayError, match="quality assurance"):
        _draft(w.platform, stranger)
    pathway = _draft(w.platform, qa(w.platform))
    with pytest.raises(PathwayError, match="quality assurance"):
        definition.add_component(
            pathway=pathway, achievement=w.achievement, min_level=None, actor=stranger
        )


def test_a_pathway_that_asks_nothing_or_an_impossible_n_cannot_be_submitted():
    w = make_world()
    author = qa(w.platform)
    empty = _draft(w.platform, author)
    with pytest.raises(PathwayError, match="at least one component"):
        workflow.submit(pathway=empty, actor=author)
    n_of = _draft(w.platform, author, rule="n_of", required_count=3)
    definition.add_component(pathway=n_of, achievement=w.achievement, min_level=None, actor=author)
    with pytest.raises(PathwayError, match="between 1 and 1"):
        workflow.submit(pathway=n_of, actor=author)
    assert Pathway.objects.get(pk=n_of.pk).state == "draft"


def test_components_come_from_the_institution_and_never_the_pathway_itself():
    w = make_world()
    elsewhere = make_world()  # another platform, no shared issuer: another institution
    author = qa(w.platform)
    pathway = _draft(w.platform, author)
    with pytest.raises(PathwayError, match="another institution"):
        definition.add_component(
            pathway=pathway, achievement=elsewhere.achievement, min_level=None, actor=author
        )
    with pytest.raises(PathwayError, match="its own credential"):
        definition.add_component(
            pathway=pathway, achievement=pathway.achievement, min_level=None, actor=author
        )
    one_institution(w.platform, elsewhere.platform)
    definition.add_component(
        pathway=pathway, achievement=elsewhere.achievement, min_level=None, actor=author
    )
    with pytest.raises(PathwayError, match="already"):
        definition.add_component(
            pathway=pathway, achievement=elsewhere.achievement, min_level=None, actor=author
        )


def test_a_submitted_pathway_can_be_sent_back_and_changed():
    w = make_world()
    author, reviewer = qa(w.platform, "author"), qa(w.platform, "reviewer")
    pathway = _draft(w.platform, author)
    item = definition.add_component(
        pathway=pathway, achievement=w.achievement, min_level=None, actor=author
    )
    workflow.submit(pathway=pathway, actor=author)
    workflow.return_to_draft(pathway=pathway, actor=reviewer)
    definition.remove_requirement(
        pathway=pathway, kind="component", requirement_id=item.pk, actor=author
    )
    updated = definition.update_pathway(
        pathway=pathway,
        name="Renamed",
        description="d",
        criteria_narrative="c",
        rule="all",
        required_count=None,
        window_days=90,
        actor=author,
    )
    assert (updated.achievement.name, updated.window_days, updated.components.count()) == (
        "Renamed",
        90,
        0,
    )
