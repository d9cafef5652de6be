"""The pass rule in one sentence, built from the spec evaluate() reads."""

from __future__ import annotations

from rubrics.evaluate import MET, evaluate
from rubrics.spec import CriterionSpec, Observation, PolicySpec, VersionSpec
from rubrics.threshold_sentence import threshold_sentence


def _c(key, threshold, *, unit="points", required=True, points=10.0):
    return CriterionSpec(
        key=key,
        title=key.title(),
        points=points,
        threshold=threshold,
        threshold_unit=unit,
        required=required,
    )


def test_one_required_criterion():
    spec = VersionSpec(criteria=(_c("quiz", 5),))
    assert threshold_sentence(spec) == (
        "Pass when “Quiz” at least 5 of 10 points (the latest result counts)."
    )


def test_percent_criteria_counts_and_weighted_total_all_named():
    spec = VersionSpec(
        criteria=(
            _c("quiz", 60, unit="percent", points=20),
            _c("essay", 7.5),
            _c("extra", 3, required=False),
        ),
        policy=PolicySpec(min_passed=2, min_weighted_total=55, result_choice="highest"),
    )
    assert threshold_sentence(spec) == (
        "Pass when “Quiz” at least 60% (12 of 20 points) and “Essay” at least 7.5 of 10 points, "
        "at least 2 of the 3 criteria reached and a weighted total of at least 55% "
        "(the highest result counts)."
    )


def test_only_optional_criteria_then_the_count_is_the_rule():
    spec = VersionSpec(
        criteria=(_c("a", 5, required=False), _c("b", 5, required=False)),
        policy=PolicySpec(min_passed=1),
    )
    sentence = threshold_sentence(spec)
    assert sentence.startswith("Pass when at least 1 of the 2 criteria reached")
    # The sentence and the evaluation agree: one optional criterion reached is a pass.
    evidence = {"a": [Observation(6.0, 10.0, None)], "b": [Observation(1.0, 10.0, None)]}
    assert evaluate(spec, evidence).outcome == MET


def test_nothing_to_pass_says_so():
    assert "Add a criterion" in threshold_sentence(VersionSpec(criteria=()))
    spec = VersionSpec(criteria=(_c("a", 5, required=False),))
    assert "no criterion is required" in threshold_sentence(spec)
