from datetime import UTC, datetime, timedelta

import pytest

from rubrics.evaluate import INSUFFICIENT, MET, NOT_MET, evaluate
from rubrics.spec import (
    AlignmentSpec,
    CriterionSpec,
    LevelSpec,
    Observation,
    PolicySpec,
    SpecError,
    VersionSpec,
    version_spec_from_dict,
    version_spec_to_dict,
)

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
LEVELS = (
    LevelSpec("foundation", 4, "basic"),
    LevelSpec("intermediate", 6),
    LevelSpec("advanced", 8.5),
)


def obs(score, *, maximum=10.0, minutes=0, rid=1, rev=1, comment=""):
    return Observation(score, maximum, T0 + timedelta(minutes=minutes), rid, rev, comment)


def crit(key, **kw):
    base = {"title": key.title(), "points": 10.0, "threshold": 5.0, "levels": LEVELS}
    return CriterionSpec(key=key, **{**base, **kw})


def spec(*criteria, **policy):
    return VersionSpec(criteria=tuple(criteria), policy=PolicySpec(**policy)).validate()


def test_all_required_at_threshold_is_met_and_explained():
    s = spec(crit("a"), crit("b", threshold=60, threshold_unit="percent"))
    d = evaluate(s, {"a": [obs(5)], "b": [obs(6, rid=2, comment="good <b>")]})
    assert d.outcome == MET
    a, b = d.criteria
    assert (a.observed, a.threshold, a.passed, a.level) == (5.0, 5.0, True, "foundation")
    assert (b.threshold, b.level, b.evidence.comment) == (6.0, "intermediate", "good <b>")
    stored = d.to_dict()
    assert stored["criteria"][1]["evidence"]["result_id"] == 2
    assert stored["criteria"][0]["evidence"]["timestamp"] == T0.isoformat()


def test_required_below_threshold_is_not_met_with_reason():
    d = evaluate(spec(crit("a"), crit("b")), {"a": [obs(4.99)], "b": [obs(10)]})
    assert d.outcome == NOT_MET
    assert d.criterion("a").level == "foundation" and not d.criterion("a").passed
    assert "a: 4.99 is below the threshold 5" in d.reasons


def test_missing_required_is_insufficient_even_if_another_failed():
    d = evaluate(spec(crit("a"), crit("b")), {"a": [obs(1)]})
    assert d.outcome == INSUFFICIENT
    assert d.criterion("b").evidence is None and not d.criterion("b").passed
    assert "b: required, no result yet" in d.reasons


def test_ungraded_result_is_no_evidence():
    d = evaluate(spec(crit("a")), {"a": [obs(None)]})
    assert d.outcome == INSUFFICIENT and d.criterion("a").considered == 0


def test_latest_or_highest():
    history = [obs(9, minutes=0), obs(3, minutes=5, rev=2)]
    assert evaluate(spec(crit("a")), {"a": history}).criterion("a").observed == 3
    d = evaluate(spec(crit("a"), result_choice="highest"), {"a": history})
    assert d.criterion("a").observed == 9 and d.outcome == MET


def test_latest_is_the_later_revision_when_a_regrade_keeps_the_timestamp():
    """Moodle's timestamps are whole seconds: 9, corrected to 3 within that second, reaches the
    tool as two revisions of one result with one timestamp. The correction counts."""
    history = [obs(9, rev=1), obs(3, rev=2)]
    for order in (history, history[::-1]):
        d = evaluate(spec(crit("a")), {"a": order})
        assert d.criterion("a").observed == 3 and d.outcome == NOT_MET
    # Two different results at one timestamp: neither replaces the other (the higher counts).
    two_results = [obs(9, rid=1), obs(3, rid=2, rev=2)]
    assert evaluate(spec(crit("a")), {"a": two_results}).criterion("a").observed == 9
    # "highest" still takes every revision as an attempt.
    assert evaluate(spec(crit("a"), result_choice="highest"), {"a": history}).outcome == MET


def test_grading_window_ignores_results_outside_or_undated():
    s = spec(crit("a"), window_start=T0, window_end=T0 + timedelta(hours=1))
    history = [
        obs(9, minutes=-1),
        obs(9, minutes=61),
        Observation(9, 10, None, 3, 1, ""),
        obs(2, minutes=30),
    ]
    d = evaluate(s, {"a": history})
    assert d.criterion("a").observed == 2 and d.criterion("a").considered == 1
    assert d.outcome == NOT_MET
    assert evaluate(s, {"a": history[:3]}).outcome == INSUFFICIENT


def test_score_against_other_maximum_is_rescaled():
    d = evaluate(spec(crit("a")), {"a": [obs(50, maximum=100)]})
    assert d.criterion("a").observed == 5.0 and d.outcome == MET


def test_weighted_total_and_min_passed():
    s = spec(
        crit("a"),
        crit("b", required=False, weight=2),
        crit("c", required=False, weight=1),
        min_weighted_total=70,
    )
    # a 10/10 (w1), b 6/10 (w2), c 4/10 (w1): (1 + 1.2 + 0.4) / 4 = 65%
    d = evaluate(s, {"a": [obs(10)], "b": [obs(6)], "c": [obs(4)]})
    assert d.outcome == NOT_MET and d.weighted_total == pytest.approx(65)
    assert evaluate(s, {"a": [obs(10)], "b": [obs(8)], "c": [obs(4)]}).outcome == MET
    # c not graded yet: 10 + 6*2 = 2.2/4 = 55% now, 80% if c got full marks -> can still be met
    assert evaluate(s, {"a": [obs(10)], "b": [obs(6)]}).outcome == INSUFFICIENT
    s2 = spec(
        crit("a", required=False),
        crit("b", required=False),
        crit("c", required=False),
        min_passed=2,
    )
    assert evaluate(s2, {"a": [obs(5)], "b": [obs(1)], "c": [obs(7)]}).outcome == MET
    assert evaluate(s2, {"a": [obs(5)], "b": [obs(1)], "c": [obs(1)]}).outcome == NOT_MET
    assert evaluate(s2, {"a": [obs(5)], "b": [obs(1)]}).outcome == INSUFFICIENT
    assert evaluate(s2, {}).outcome == INSUFFICIENT


def test_unknown_evidence_keys_are_ignored():
    assert evaluate(spec(crit("a")), {"zzz": [obs(10)], "a": [obs(5)]}).outcome == MET


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"criteria": ()}, "at least one criterion"),
        ({"criteria": (crit("A b"),)}, "lower-case"),
        ({"criteria": (crit("a"), crit("a"))}, "used twice"),
        ({"criteria": (crit("a", points=0),)}, "points must be more than 0"),
        ({"criteria": (crit("a", threshold=11),)}, "between 0 and 10 points"),
        ({"criteria": (crit("a", threshold=101, threshold_unit="percent"),)}, "100 percent"),
        ({"criteria": (crit("a", threshold_unit="grade"),)}, "points or percent"),
        ({"criteria": (crit("a", weight=-1),)}, "negative"),
        ({"criteria": (crit("a", levels=(LevelSpec("x", 11),)),)}, "level “x”"),
        ({"criteria": (crit("a", required=False),)}, "at least one criterion required"),
        ({"criteria": (crit("a"),), "policy": PolicySpec(min_passed=2)}, "between 0 and 1"),
        ({"criteria": (crit("a"),), "policy": PolicySpec(result_choice="x")}, "latest"),
        (
            {
                "criteria": (crit("a"),),
                "policy": PolicySpec(window_start=T0, window_end=T0 - timedelta(1)),
            },
            "ends before",
        ),
    ],
)
def test_invalid_specs_are_refused_clearly(kwargs, message):
    with pytest.raises(SpecError, match=message):
        VersionSpec(**kwargs).validate()


def test_snapshot_round_trip():
    s = VersionSpec(
        criteria=(
            crit(
                "a",
                alignments=(
                    AlignmentSpec("DigComp 2.2", "1.1", "Browsing", "https://example.org/1.1", "4"),
                ),
                line_item_url="https://lms.example/li/1",
            ),
        ),
        policy=PolicySpec(min_weighted_total=50, window_start=T0, result_choice="highest"),
        rubric_id=3,
        version_id=9,
        number=2,
        title="T",
    )
    assert version_spec_from_dict(version_spec_to_dict(s)) == s
