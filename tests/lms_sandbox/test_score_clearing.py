"""What the sandbox does with a score that carries no grade, as Moodle 4.5 and Canvas do.

Moodle: mod/lti/service/gradebookservices/classes/local/resources/scores.php nulls
`scoreGiven` unless `gradingProgress` is FullyGraded, and `save_grade_item` then writes a null
grade; no `scoreGiven` at all does the same. Canvas: scores_controller.rb `ignore_score?`.
"""

from datetime import UTC, datetime

import pytest

from lms_sandbox.scoring import Stored, canvas_decide, moodle_decide

NOW = datetime(2026, 12, 3, 6, 0, tzinfo=UTC).isoformat()


def _score(**fields) -> dict:
    return {
        "userId": "7",
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": NOW,
        **fields,
    }


@pytest.mark.parametrize("progress", ["Pending", "PendingManual", "Failed", "NotReady"])
def test_moodle_erases_a_score_that_is_not_fully_graded(progress):
    decision = moodle_decide(
        _score(scoreGiven=1, scoreMaximum=1, gradingProgress=progress),
        line_max=1,
        is_learner=True,
        stored=Stored(score=1),
    )
    assert decision.status == 200 and decision.action == "clear"


@pytest.mark.parametrize("given", [{}, {"scoreGiven": None}])
def test_both_lmss_erase_a_score_without_score_given(given):
    body = _score(activityProgress="Initialized", gradingProgress="NotReady", **given)
    moodle = moodle_decide(body, line_max=1, is_learner=True, stored=Stored(score=1))
    canvas = canvas_decide(
        body, line_max=1, is_learner=True, published=True, stored=Stored(score=1), updated_at=None
    )
    assert moodle.action == canvas.action == "clear"


def test_moodle_stores_a_fully_graded_score_rescaled():
    decision = moodle_decide(
        _score(scoreGiven=7.5, scoreMaximum=10), line_max=100, is_learner=True, stored=Stored()
    )
    assert decision.action == "store" and decision.score == 75
