import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rubrics.actors import actor_from_user
from rubrics.diff import diff_versions
from rubrics.editing import PolicyDraft, save_draft
from rubrics.evaluate import INSUFFICIENT, MET, NOT_MET
from rubrics.evidence import load_evidence
from rubrics.preview import preview_version
from rubrics.workflow import activate, approve, new_draft, submit

from .builders import draft_rubric, three_criteria
from .conftest import add_learner, add_line_item, grade, instructor_actor, make_course, make_qa_user


@pytest.fixture
def graded(course):
    teacher = instructor_actor(course)
    rubric, version = draft_rubric(course, teacher)
    items = {c.key: c.line_item for c in version.criteria.all()}
    ann = add_learner(course, "s1", "Ann <script>alert(1)</script>")
    bob = add_learner(course, "s2", "Bob")
    cat = add_learner(course, "s3", "Cat")
    add_learner(
        course,
        "t2",
        "Other Teacher",
        roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
    )
    for key in ("search", "evaluate", "safety"):
        grade(items[key], ann, 9, comment="<b>great</b>")
    grade(items["search"], bob, 8)
    grade(items["evaluate"], bob, 7, 4)  # regraded down: latest 4, highest 7
    grade(items["safety"], bob, 6)
    grade(items["search"], cat, 6)
    return teacher, rubric, version, {"ann": ann, "bob": bob, "cat": cat}


@pytest.mark.django_db
def test_load_evidence_batches_and_keeps_history(graded):
    teacher, rubric, version, people = graded
    with CaptureQueriesContext(connection) as ctx:
        evidence = load_evidence(version=version)
    assert len(ctx.captured_queries) <= 4
    bob = evidence[people["bob"].pk]
    assert sorted(o.score for o in bob["evaluate"]) == [4, 7]
    assert {o.revision for o in bob["evaluate"]} == {1, 2}
    assert evidence[people["ann"].pk]["search"][0].comment == "<b>great</b>"
    assert set(evidence[people["cat"].pk]) == {"search"}
    only_cat = load_evidence(version=version, learner_ids=[people["cat"].pk])
    assert list(only_cat) == [people["cat"].pk]


@pytest.mark.django_db
def test_evidence_is_scoped_to_the_course(graded, platform):
    teacher, rubric, version, people = graded
    other = make_course(platform, context_id="ctx-other")
    item = add_line_item(other, "x")
    grade(item, people["ann"], 1)
    assert all(
        o.score == 9
        for obs in load_evidence(version=version)[people["ann"].pk].values()
        for o in obs
    )


@pytest.mark.django_db
def test_preview_lists_outcomes_and_gains_losses(graded, platform):
    teacher, rubric, version, people = graded
    preview = preview_version(version=version)
    outcomes = {r.name: r.decision.outcome for r in preview.rows}
    assert outcomes == {
        "Ann <script>alert(1)</script>": MET,
        "Bob": NOT_MET,
        "Cat": INSUFFICIENT,
    }
    assert preview.met == 1 and preview.active_version is None
    qa = actor_from_user(make_qa_user(platform))
    submit(version=version, actor=teacher)
    approve(version=version, actor=qa)
    activate(version=version, actor=qa)
    v2 = new_draft(rubric=rubric, actor=teacher)
    drafts = three_criteria(course=rubric.course, threshold_b=4)
    save_draft(
        version=v2,
        actor=teacher,
        title="Information literacy",
        policy=PolicyDraft(result_choice="latest"),
        criteria=drafts,
    )
    preview2 = preview_version(version=v2)
    assert [r.name for r in preview2.gains] == ["Bob"]
    assert preview2.losses == []
    assert preview2.active_version.pk == version.pk
    v2 = save_draft(
        version=v2,
        actor=teacher,
        title="Information literacy",
        policy=PolicyDraft(min_weighted_total=95),
        criteria=drafts,
    )
    assert [r.name for r in preview_version(version=v2).losses] == ["Ann <script>alert(1)</script>"]


@pytest.mark.django_db
def test_preview_of_invalid_draft_explains(course):
    from rubrics.workflow import create_rubric

    rubric = create_rubric(course=course, title="Empty", actor=instructor_actor(course))
    preview = preview_version(version=rubric.versions.get())
    assert "at least one criterion" in preview.error and preview.rows == ()


@pytest.mark.django_db
def test_diff_names_each_change(graded):
    teacher, rubric, version, people = graded
    old = version.to_spec()
    drafts = three_criteria(course=rubric.course, threshold_b=6)
    drafts[0].levels = drafts[0].levels[:2]
    drafts[2].competence_ids = []
    del drafts[1:2]
    from rubrics.editing import CriterionDraft

    from .conftest import digcomp, proficiency

    drafts.append(
        CriterionDraft(
            key="code",
            title="Coding",
            points=5,
            threshold=50,
            threshold_unit="percent",
            required=False,
            competence_ids=[digcomp("3.4").pk],
            proficiency_id=proficiency("2").pk,
            source="existing",
            line_item_id=add_line_item(rubric.course, "code", 5).pk,
        )
    )
    version = save_draft(
        version=version,
        actor=teacher,
        title="Information literacy",
        policy=PolicyDraft(min_passed=2, result_choice="highest"),
        criteria=drafts,
    )
    changes = diff_versions(old, version.to_spec())
    described = {(c.kind, c.where, c.what, c.old, c.new) for c in changes}
    assert ("removed", "criterion evaluate", "criterion", "Evaluate skills", "") in described
    assert ("added", "criterion code", "criterion", "", "Coding") in described
    assert ("added", "criterion code", "threshold", "", "50%") in described
    assert ("removed", "criterion search", "level Advanced", "from 8.5 points.", "") in described
    assert (
        "removed",
        "criterion safety",
        "alignment DigComp 2.2 4.2",
        "4.2 Protecting personal data and privacy (Intermediate 4)",
        "",
    ) in described
    assert ("changed", "policy", "at least N criteria passed", "—", "2") in described
    assert ("changed", "policy", "result that counts", "latest", "highest") in described
    first = diff_versions(None, old)
    assert all(c.kind == "added" for c in first)
