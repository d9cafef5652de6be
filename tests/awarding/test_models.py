"""The database guarantees of the awarding models."""

import pytest
from django.db import IntegrityError, transaction

from awarding.models import AppendOnlyError, Award, AwardingRule, Decision, Outcome

from .factories import make_learner
from .scenario import build

pytestmark = pytest.mark.django_db


def _decision(rule, learner, outcome=Outcome.MET):
    return Decision.objects.create(
        rule=rule,
        rubric_version=rule.rubric.versions.get(),
        course=rule.course,
        achievement=rule.achievement,
        learner=learner,
        outcome=outcome,
        evidence={"c1": [{"score": 8, "maximum": 10}]},
        result={"outcome": outcome},
    )


@pytest.fixture
def setup():
    rule = build().rule
    learner = make_learner(platform=rule.course.platform)
    return rule, learner


def _award(rule, learner, decision, state=Award.State.PENDING):
    return Award.objects.create(
        rule=rule,
        course=rule.course,
        achievement=rule.achievement,
        learner=learner,
        decision=decision,
        state=state,
    )


def test_one_live_award_per_learner_and_achievement(setup):
    rule, learner = setup
    decision = _decision(rule, learner)
    _award(rule, learner, decision)
    with pytest.raises(IntegrityError), transaction.atomic():
        _award(rule, learner, decision, state=Award.State.ISSUED)


def test_a_revoked_award_does_not_block_a_new_one(setup):
    rule, learner = setup
    decision = _decision(rule, learner)
    first = _award(rule, learner, decision, state=Award.State.REVOKED)
    second = _award(rule, learner, decision)
    assert first.uuid != second.uuid
    assert Award.objects.filter(learner=learner).count() == 2


def test_decisions_are_append_only(setup):
    rule, learner = setup
    decision = _decision(rule, learner)
    decision.outcome = Outcome.NOT_MET
    with pytest.raises(AppendOnlyError):
        decision.save()
    with pytest.raises(AppendOnlyError):
        decision.delete()
    assert Decision.objects.get(pk=decision.pk).outcome == Outcome.MET


def test_one_active_rule_per_course_and_achievement(setup):
    rule, _ = setup
    with pytest.raises(IntegrityError), transaction.atomic():
        AwardingRule.objects.create(
            course=rule.course, achievement=rule.achievement, rubric=rule.rubric
        )
    AwardingRule.objects.create(
        course=rule.course, achievement=rule.achievement, rubric=rule.rubric, active=False
    )
