"""The services behind the awarding pages' writes, called directly: each change is stored with
its audit event, and a failure part-way (here: an audit event that cannot be written, or a
rule that cannot be created) keeps neither.
"""

from __future__ import annotations

import pytest

from assessments.models import LineItem
from audit.models import AuditEvent
from awarding.credential_setup import save_achievement, submit_for_review
from awarding.credential_visibility import CredentialNotStored, set_credential_visibility
from awarding.models import Achievement, Award, AwardingRule, Notification
from awarding.notification_reads import mark_notifications_read
from awarding.postback import credential_tag
from awarding.rule_settings import set_gradebook_column, set_rule_mode
from credentials.models import Credential
from rubrics.actors import Actor
from rubrics.models import Criterion, Rubric, RubricVersion
from tests.pages.world import issue, make_world

pytestmark = pytest.mark.django_db

TEACHER = "lti:1:teacher"


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# Rule settings.


def test_rule_mode_is_stored_with_its_audit_event():
    world = make_world()
    rule = set_rule_mode(actor=TEACHER, rule=world.rule, mode=AwardingRule.Mode.HOLD)
    world.rule.refresh_from_db()
    assert rule.mode == world.rule.mode == AwardingRule.Mode.HOLD
    [event] = _events("awarding.rule.mode")
    assert event.actor == TEACHER and event.object_id == str(world.rule.pk)
    assert event.before == {"mode": "automatic"} and event.after == {"mode": "hold"}
    assert event.platform_id == world.platform.pk


def test_rule_mode_failing_audit_keeps_the_old_mode():
    world = make_world()
    with pytest.raises(ValueError, match="actor"):
        set_rule_mode(actor="", rule=world.rule, mode=AwardingRule.Mode.HOLD)
    world.rule.refresh_from_db()
    assert world.rule.mode == AwardingRule.Mode.AUTOMATIC
    assert _events("awarding.rule.mode") == []


def test_rule_mode_refuses_an_unknown_mode():
    world = make_world()
    with pytest.raises(ValueError, match="Unknown"):
        set_rule_mode(actor=TEACHER, rule=world.rule, mode="sometimes")
    world.rule.refresh_from_db()
    assert world.rule.mode == AwardingRule.Mode.AUTOMATIC
    assert _events("awarding.rule.mode") == []


def _credential_column(world) -> LineItem:
    """The credential column as the LMS already has it (so no LMS call is needed)."""
    return LineItem.objects.create(
        course=world.course,
        url="https://lms.example.org/li/credential",
        label=f"Credential: {world.achievement.name}",
        score_maximum=1,
        tag=credential_tag(world.achievement),
    )


def test_gradebook_column_on_is_stored_with_its_audit_event_and_the_column():
    world = make_world()
    column = _credential_column(world)
    change = set_gradebook_column(actor=TEACHER, rule=world.rule, on=True)
    world.rule.refresh_from_db()
    assert world.rule.gradebook_column is True
    assert change.on and change.line_item == column and change.lms_error == ""
    assert change.queued_award_ids == []
    [event] = _events("awarding.rule.gradebook_column")
    assert event.actor == TEACHER
    assert event.before == {"gradebook_column": False} and event.after == {"gradebook_column": True}


def test_gradebook_column_off_is_stored_with_its_audit_event():
    world = make_world()
    AwardingRule.objects.filter(pk=world.rule.pk).update(gradebook_column=True)
    change = set_gradebook_column(actor=TEACHER, rule=world.rule, on=False)
    world.rule.refresh_from_db()
    assert world.rule.gradebook_column is False and not change.on
    [event] = _events("awarding.rule.gradebook_column")
    assert event.before == {"gradebook_column": True} and event.after == {"gradebook_column": False}


def test_gradebook_column_failing_audit_keeps_the_setting_and_the_awards_as_they_were():
    world = make_world()
    world.decide(world.learners[0], {"search": 9, "evaluate": 7})
    # Issued while the column was off: switched on, it would be queued for posting.
    award = world.award(
        world.learners[0], state=Award.State.ISSUED, postback_state=Award.PostbackState.OFF
    )
    with pytest.raises(ValueError, match="actor"):
        set_gradebook_column(actor="", rule=world.rule, on=True)
    world.rule.refresh_from_db()
    award.refresh_from_db()
    assert world.rule.gradebook_column is False
    assert award.postback_state == Award.PostbackState.OFF  # not queued for posting
    assert _events("awarding.rule.gradebook_column") == []


# The learner's changes.


def test_credential_visibility_is_stored_with_its_audit_event():
    world = make_world()
    award = issue(world, world.learners[0])
    learner_actor = f"lti:{world.platform.pk}:{world.learners[0].sub}"
    credential = set_credential_visibility(actor=learner_actor, award=award, is_public=False)
    assert credential.pk == award.uuid
    assert Credential.objects.get(pk=award.uuid).is_public is False
    [event] = _events("credential.visibility")
    assert event.actor == learner_actor and event.object_id == str(award.uuid)
    assert event.before == {"is_public": True} and event.after == {"is_public": False}


def test_credential_visibility_failing_audit_keeps_the_page_public():
    world = make_world()
    award = issue(world, world.learners[0])
    with pytest.raises(ValueError, match="actor"):
        set_credential_visibility(actor="", award=award, is_public=False)
    assert Credential.objects.get(pk=award.uuid).is_public is True
    assert _events("credential.visibility") == []


def test_credential_visibility_of_an_award_without_credential_is_refused():
    world = make_world()
    world.decide(world.learners[0], {"search": 9, "evaluate": 7})
    award = world.award(world.learners[0], state=Award.State.HELD)
    with pytest.raises(CredentialNotStored):
        set_credential_visibility(actor=TEACHER, award=award, is_public=False)
    assert _events("credential.visibility") == []


def _notify(world, learner) -> Notification:
    world.decide(learner, {"search": 9, "evaluate": 7})
    award = world.award(learner)
    return Notification.objects.create(
        learner=learner, course=world.course, award=award, kind="issued", message="Earned"
    )


def test_notifications_read_are_stored_with_one_audit_event_for_this_learner_only():
    world = make_world()
    ada, grace = world.learners[:2]
    mine, theirs = _notify(world, ada), _notify(world, grace)
    actor = f"lti:{world.platform.pk}:{ada.sub}"
    assert mark_notifications_read(actor=actor, learner=ada, course=world.course) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    [event] = _events("awarding.notifications.read")
    assert event.actor == actor and event.object_id == str(ada.pk)
    assert event.before == {"unread": 1}
    # Nothing left unread: nothing changes, nothing is recorded.
    assert mark_notifications_read(actor=actor, learner=ada, course=world.course) == 0
    assert len(_events("awarding.notifications.read")) == 1


def test_notifications_read_failing_audit_leaves_them_unread():
    world = make_world()
    note = _notify(world, world.learners[0])
    with pytest.raises(ValueError, match="actor"):
        mark_notifications_read(actor="", learner=world.learners[0], course=world.course)
    note.refresh_from_db()
    assert note.read_at is None
    assert _events("awarding.notifications.read") == []


# The guided setup.


def _described(**extra) -> Achievement:
    return Achievement(
        name="Spreadsheet Skills",
        description="Builds and checks spreadsheets.",
        criteria_narrative="Meet both criteria.",
        tags=["data"],
        **extra,
    )


def test_a_new_achievement_is_stored_with_its_audit_event():
    world = make_world()
    saved = save_achievement(
        actor=TEACHER, course=world.course, achievement=_described(), created_by_sub="teacher"
    )
    stored = Achievement.objects.get(pk=saved.pk)
    assert (stored.course, stored.platform) == (world.course, world.platform)
    assert stored.created_by_sub == "teacher" and stored.tags == ["data"]
    [event] = _events("awarding.achievement.created")
    assert event.actor == TEACHER and event.object_id == str(stored.uuid)
    assert event.before is None and event.after["name"] == "Spreadsheet Skills"


def test_an_edited_achievement_records_before_and_after():
    world = make_world()
    edited = Achievement.objects.get(pk=world.achievement.pk)
    edited.name = "Data Literacy Badge, level 2"
    save_achievement(actor=TEACHER, course=world.course, achievement=edited, created_by_sub="x")
    assert Achievement.objects.get(pk=edited.pk).name == "Data Literacy Badge, level 2"
    [event] = _events("awarding.achievement.edited")
    assert event.before["name"] == "Data Literacy Badge"
    assert event.after["name"] == "Data Literacy Badge, level 2"


def test_an_achievement_of_another_course_is_not_taken_over():
    world = make_world()
    other = make_world(platform=world.platform, course_title="Other course")
    theirs = Achievement.objects.get(pk=other.achievement.pk)
    theirs.name = "Taken over"
    with pytest.raises(Achievement.DoesNotExist):
        save_achievement(actor=TEACHER, course=world.course, achievement=theirs, created_by_sub="x")
    stored = Achievement.objects.get(pk=theirs.pk)
    assert stored.course == other.course and stored.name == other.achievement.name
    assert _events("awarding.achievement.edited") == []


def test_an_achievement_failing_audit_is_not_stored():
    world = make_world()
    before = Achievement.objects.count()
    with pytest.raises(ValueError, match="actor"):
        save_achievement(
            actor="", course=world.course, achievement=_described(), created_by_sub="x"
        )
    assert Achievement.objects.count() == before
    assert _events("awarding.achievement.created") == []


def _draft(world) -> tuple[Achievement, Rubric, RubricVersion]:
    """A second credential being set up in the course: achievement, rubric, draft version
    whose one criterion has its gradebook column."""
    achievement = Achievement.objects.create(
        platform=world.platform, course=world.course, name="Second", description="d"
    )
    rubric = Rubric.objects.create(course=world.course, title="Second", created_by=TEACHER)
    version = RubricVersion.objects.create(rubric=rubric, number=1, title="v1", author=TEACHER)
    item = LineItem.objects.create(
        course=world.course, url="https://lms.example.org/li/second", label="Q", score_maximum=10
    )
    Criterion.objects.create(
        version=version, position=0, key="q", title="Q", points=10, threshold=5, line_item=item
    )
    return achievement, rubric, version


def _instructor(world) -> Actor:
    return Actor(
        id=f"lti:{world.platform.pk}:{world.instructor.sub}",
        name="Tess Teacher",
        course_id=world.course.pk,
        platform_id=world.platform.pk,
    )


def test_submitting_for_review_submits_the_draft_and_creates_the_rule_with_audit_events():
    world = make_world()
    achievement, rubric, version = _draft(world)
    actor = _instructor(world)
    rule = submit_for_review(
        actor=actor,
        course=world.course,
        achievement=achievement,
        rubric=rubric,
        version=version,
        mode=AwardingRule.Mode.HOLD,
        created_by_sub=world.instructor.sub,
    )
    version.refresh_from_db()
    assert version.state == "submitted"
    assert (rule.achievement, rule.rubric, rule.mode, rule.active) == (
        achievement,
        rubric,
        "hold",
        True,
    )
    assert [e.actor for e in _events("version.submitted")] == [actor.id]
    [event] = _events("awarding.rule.created")
    assert event.actor == actor.id and event.object_id == str(rule.pk)
    assert event.after == {
        "achievement": str(achievement.uuid),
        "rubric_id": rubric.pk,
        "mode": "hold",
    }


def test_submitting_for_review_whose_rule_fails_leaves_the_draft_a_draft():
    world = make_world()
    _achievement, rubric, version = _draft(world)
    rules_before = AwardingRule.objects.count()
    with pytest.raises(ValueError):  # an achievement never stored cannot have a rule
        submit_for_review(
            actor=_instructor(world),
            course=world.course,
            achievement=Achievement(name="never stored"),
            rubric=rubric,
            version=version,
            mode=AwardingRule.Mode.AUTOMATIC,
            created_by_sub=world.instructor.sub,
        )
    version.refresh_from_db()
    assert version.state == "draft"
    assert AwardingRule.objects.count() == rules_before
    assert _events("version.submitted") == [] and _events("awarding.rule.created") == []


def test_submitting_for_review_failing_audit_creates_no_rule():
    world = make_world()
    achievement, rubric, version = _draft(world)
    RubricVersion.objects.filter(pk=version.pk).update(state="submitted")
    version.refresh_from_db()
    with pytest.raises(ValueError, match="actor"):
        submit_for_review(
            actor=Actor(id="", name="nobody"),
            course=world.course,
            achievement=achievement,
            rubric=rubric,
            version=version,
            mode=AwardingRule.Mode.AUTOMATIC,
            created_by_sub="x",
        )
    assert not AwardingRule.objects.filter(achievement=achievement).exists()
    assert _events("awarding.rule.created") == []
