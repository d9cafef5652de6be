"""Signal receivers: what starts the pipeline (connected in AwardingConfig.ready)."""

from __future__ import annotations

import logging

from .dispatch import enqueue_evaluation
from .rules import active_rules, course_learner_ids, rules_for_rubric

log = logging.getLogger(__name__)


def on_learners_changed(sender, *, course_id: int, learner_ids, **kwargs) -> None:
    """A sync found changed results: evaluate those learners against every active rule."""
    for rule in active_rules(course_id=course_id):
        enqueue_evaluation(rule_id=rule.pk, learner_ids=learner_ids, trigger="sync")


def on_version_activated(sender, *, version, **kwargs) -> None:
    """A rubric version became active: evaluate every learner of every course using it."""
    for rule in rules_for_rubric(rubric_id=version.rubric_id):
        enqueue_evaluation(
            rule_id=rule.pk,
            learner_ids=course_learner_ids(course_id=rule.course_id),
            trigger="version_activated",
        )
