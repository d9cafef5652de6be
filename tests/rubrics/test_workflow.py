import pytest
from django.db import IntegrityError

from audit.models import AuditEvent
from audit.verify import verify_chain
from rubrics.actors import actor_from_launch, actor_from_user
from rubrics.editing import CriterionDraft, PolicyDraft, save_draft
from rubrics.models import Criterion, CriterionLevel, ImmutableVersionError, RubricVersion
from rubrics.signals import version_activated
from rubrics.spec import SpecError
from rubrics.workflow import (
    NotAllowed,
    WorkflowError,
    activate,
    approve,
    new_draft,
    reject,
    retire,
    submit,
)

from .builders import draft_rubric, three_criteria
from .conftest import instructor_actor, instructor_launch, make_course, make_platform, make_qa_user


@pytest.fixture
def teacher(course):
    return instructor_actor(course)


@pytest.fixture
def qa(platform):
    return actor_from_user(make_qa_user(platform))


@pytest.mark.django_db
def test_full_cycle_with_audit_trail(course, teacher, qa, django_capture_on_commit_callbacks):
    rubric, version = draft_rubric(course, teacher)
    spec = version.to_spec().validate()
    assert [c.key for c in spec.criteria] == ["search", "evaluate", "safety"]
    assert spec.criteria[0].alignments[0].code == "1.1"
    assert spec.criteria[0].alignments[0].proficiency_level == "Intermediate 4"
    assert [lv.name for lv in spec.criteria[0].levels] == ["Foundation", "Intermediate", "Advanced"]
    submit(version=version, actor=teacher)
    approve(version=version, actor=qa, comment="fine")
    received = []
    version_activated.connect(
        lambda **kw: received.append(kw["version"].pk), weak=False, dispatch_uid="t1"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            activate(version=version, actor=qa)
    finally:
        version_activated.disconnect(dispatch_uid="t1")
    assert received == [version.pk]
    version.refresh_from_db()
    assert version.state == "active" and version.reviewed_by == qa.id
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == [
        "rubric.created",
        "version.created",
        "version.edited",
        "version.submitted",
        "version.approved",
        "version.activated",
    ]
    edited = AuditEvent.objects.get(action="version.edited")
    assert edited.before["spec"]["criteria"] == []
    assert len(edited.after["spec"]["criteria"]) == 3
    assert edited.actor == teacher.id and edited.platform_id == course.platform_id
    assert verify_chain().ok


@pytest.mark.django_db
def test_author_cannot_approve_even_as_qa(course, platform):
    # An LMS administrator is QA for the platform, but not for their own version.
    launch = instructor_launch(course, sub="admin-1", roles=("instructor", "administrator"))
    admin = actor_from_launch(launch)
    rubric, version = draft_rubric(course, admin)
    submit(version=version, actor=admin)
    with pytest.raises(NotAllowed, match="another person"):
        approve(version=version, actor=admin)
    version.refresh_from_db()
    assert version.state == "submitted"
    assert not AuditEvent.objects.filter(action="version.approved").exists()


@pytest.mark.django_db
def test_qa_of_another_platform_or_non_qa_is_refused(course, teacher):
    other = make_platform("Other", "https://other.example.org")
    outsider = actor_from_user(make_qa_user(other, "olga"))
    rubric, version = draft_rubric(course, teacher)
    submit(version=version, actor=teacher)
    with pytest.raises(NotAllowed):
        approve(version=version, actor=outsider)
    with pytest.raises(NotAllowed):
        approve(version=version, actor=instructor_actor(course, sub="teacher-2"))


@pytest.mark.django_db
def test_instructor_of_another_course_cannot_edit(course, teacher, platform):
    rubric, version = draft_rubric(course, teacher)
    stranger = instructor_actor(make_course(platform, context_id="ctx-2"))
    with pytest.raises(NotAllowed):
        save_draft(
            version=version,
            actor=stranger,
            title="x",
            policy=PolicyDraft(),
            criteria=three_criteria(course=course),
        )
    with pytest.raises(NotAllowed):
        submit(version=version, actor=stranger)


@pytest.mark.django_db
def test_reject_needs_a_comment_and_only_submitted_can_be_reviewed(course, teacher, qa):
    rubric, version = draft_rubric(course, teacher)
    with pytest.raises(WorkflowError, match="submitted"):
        approve(version=version, actor=qa)
    submit(version=version, actor=teacher)
    with pytest.raises(WorkflowError, match="why"):
        reject(version=version, actor=qa, comment="  ")
    reject(version=version, actor=qa, comment="Thresholds too low")
    version.refresh_from_db()
    assert (version.state, version.review_comment) == ("rejected", "Thresholds too low")
    with pytest.raises(WorkflowError, match="approved"):
        activate(version=version, actor=qa)
    event = AuditEvent.objects.get(action="version.rejected")
    assert event.after == {"state": "rejected", "comment": "Thresholds too low"}


@pytest.mark.django_db
def test_submitted_version_is_immutable(course, teacher):
    rubric, version = draft_rubric(course, teacher)
    submit(version=version, actor=teacher)
    version.refresh_from_db()
    version.min_passed = 1
    with pytest.raises(ImmutableVersionError, match="min_passed"):
        version.save()
    crit = Criterion.objects.filter(version=version).first()
    crit.threshold = 1
    with pytest.raises(ImmutableVersionError):
        crit.save()
    with pytest.raises(ImmutableVersionError):
        crit.delete()
    with pytest.raises(ImmutableVersionError):
        Criterion.objects.filter(version=version).update(threshold=0)
    with pytest.raises(ImmutableVersionError):
        CriterionLevel.objects.filter(criterion__version=version).delete()
    with pytest.raises(ImmutableVersionError):
        RubricVersion.objects.get(pk=version.pk).delete()
    with pytest.raises(WorkflowError, match="new version"):
        save_draft(
            version=version,
            actor=teacher,
            title="x",
            policy=PolicyDraft(),
            criteria=three_criteria(course=course),
        )
    assert Criterion.objects.get(pk=crit.pk).threshold == 5


@pytest.mark.django_db
def test_new_version_copies_and_activation_retires_previous(course, teacher, qa):
    rubric, v1 = draft_rubric(course, teacher)
    submit(version=v1, actor=teacher)
    approve(version=v1, actor=qa)
    activate(version=v1, actor=qa)
    v2 = new_draft(rubric=rubric, actor=teacher)
    assert v2.number == 2 and v2.state == "draft"
    assert v2.to_spec().criteria == v1.to_spec().criteria
    with pytest.raises(WorkflowError, match="already has a draft"):
        new_draft(rubric=rubric, actor=teacher)
    submit(version=v2, actor=teacher)
    approve(version=v2, actor=qa)
    activate(version=v2, actor=qa)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.state, v2.state) == ("retired", "active")
    assert v1.retired_at is not None
    retire(version=v2, actor=qa)
    assert RubricVersion.objects.filter(rubric=rubric, state="active").count() == 0


@pytest.mark.django_db
def test_database_allows_one_active_version(course, teacher):
    rubric, v1 = draft_rubric(course, teacher)
    RubricVersion.objects.filter(pk=v1.pk).update(state="active")
    with pytest.raises(IntegrityError):
        RubricVersion.objects.create(rubric=rubric, number=2, title="x", author="a", state="active")


@pytest.mark.django_db
def test_bad_drafts_are_refused_with_reasons(course, teacher):
    rubric, version = draft_rubric(course, teacher)
    bad = three_criteria(course=course)
    bad[1].threshold = 50
    with pytest.raises(SpecError, match="between 0 and 10 points"):
        save_draft(version=version, actor=teacher, title="x", policy=PolicyDraft(), criteria=bad)
    foreign_item = three_criteria(course=make_course(course.platform, context_id="c9"))
    with pytest.raises(SpecError, match="of this course"):
        save_draft(
            version=version, actor=teacher, title="x", policy=PolicyDraft(), criteria=foreign_item
        )
    # Nothing was half-written.
    assert version.criteria.count() == 3


@pytest.mark.django_db
def test_submit_requires_every_criterion_bound(course, teacher):
    rubric, version = draft_rubric(course, teacher, source="tool")
    with pytest.raises(WorkflowError, match="search, evaluate, safety"):
        submit(version=version, actor=teacher)


@pytest.mark.django_db
def test_area_cannot_be_aligned(course, teacher):
    rubric, version = draft_rubric(course, teacher)
    from .conftest import digcomp

    drafts = three_criteria(course=course)
    drafts[0].competence_ids = [digcomp("1").pk]
    with pytest.raises(SpecError, match="unknown competence"):
        save_draft(version=version, actor=teacher, title="x", policy=PolicyDraft(), criteria=drafts)


def test_criterion_draft_defaults():
    d = CriterionDraft(key="a", title="A", points=1, threshold=1)
    assert d.source == "tool" and d.levels == [] and d.required
