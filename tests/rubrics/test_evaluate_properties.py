"""Property tests of evaluate(): monotonic, order-independent, no evidence never passes."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rubrics.evaluate import INSUFFICIENT, MET, evaluate
from rubrics.spec import CriterionSpec, LevelSpec, Observation, PolicySpec, VersionSpec
from tests.hypothesis_profiles import examples

T0 = datetime(2026, 1, 1, tzinfo=UTC)
KEYS = ["c0", "c1", "c2", "c3", "c4"]


@st.composite
def specs(draw):
    n = draw(st.integers(1, len(KEYS)))
    criteria = []
    for key in KEYS[:n]:
        points = draw(st.sampled_from([1.0, 5.0, 10.0, 20.0, 100.0]))
        unit = draw(st.sampled_from(["points", "percent"]))
        threshold = draw(st.floats(0, 100 if unit == "percent" else points, allow_nan=False))
        criteria.append(
            CriterionSpec(
                key=key,
                title=key,
                points=points,
                threshold=threshold,
                threshold_unit=unit,
                required=draw(st.booleans()),
                weight=draw(st.sampled_from([0.0, 0.5, 1.0, 3.0])),
                levels=(LevelSpec("low", 0.0), LevelSpec("high", points / 2)),
            )
        )
    if not any(c.required for c in criteria):
        criteria[0] = CriterionSpec(**{**_fields(criteria[0]), "required": True})
    has_weight = any(c.weight > 0 for c in criteria)
    policy = PolicySpec(
        min_weighted_total=draw(st.none() | st.floats(0, 100)) if has_weight else None,
        min_passed=draw(st.none() | st.integers(0, n)),
        result_choice=draw(st.sampled_from(["latest", "highest"])),
        window_start=draw(st.none() | st.just(T0 + timedelta(days=2))),
        window_end=draw(st.none() | st.just(T0 + timedelta(days=8))),
    )
    return VersionSpec(criteria=tuple(criteria), policy=policy).validate()


def _fields(c):
    return {name: getattr(c, name) for name in c.__slots__}


observations = st.builds(
    Observation,
    score=st.none() | st.floats(0, 120, allow_nan=False),
    maximum=st.sampled_from([None, 10.0, 100.0]),
    timestamp=st.none() | st.integers(0, 10).map(lambda d: T0 + timedelta(days=d)),
    result_id=st.integers(1, 5),
    revision=st.integers(1, 3),
    comment=st.sampled_from(["", "ok"]),
)
evidence_maps = st.dictionaries(
    st.sampled_from(KEYS), st.lists(observations, max_size=4), max_size=len(KEYS)
)


@settings(max_examples=examples(100))
@given(specs(), evidence_maps, st.data())
def test_raising_a_score_never_turns_met_into_not_met(spec, evidence, data):
    before = evaluate(spec, evidence)
    keys = [k for k, v in evidence.items() if any(o.score is not None for o in v)]
    if not keys:
        return
    key = data.draw(st.sampled_from(keys))
    idx = data.draw(
        st.sampled_from([i for i, o in enumerate(evidence[key]) if o.score is not None])
    )
    bump = data.draw(st.floats(0, 50, allow_nan=False))
    raised = list(evidence[key])
    o = raised[idx]
    raised[idx] = Observation(
        o.score + bump, o.maximum, o.timestamp, o.result_id, o.revision, o.comment
    )
    after = evaluate(spec, {**evidence, key: raised})
    if before.outcome == MET:
        assert after.outcome == MET
    for b, a in zip(before.criteria, after.criteria, strict=True):
        if b.passed:
            assert a.passed


@settings(max_examples=examples(75))
@given(specs(), evidence_maps, st.randoms(use_true_random=False))
def test_outcome_does_not_depend_on_order(spec, evidence, rnd):
    shuffled = {}
    for key in rnd.sample(list(evidence), len(evidence)):
        items = list(evidence[key])
        rnd.shuffle(items)
        shuffled[key] = items
    assert evaluate(spec, shuffled).to_dict() == evaluate(spec, evidence).to_dict()


@settings(max_examples=examples(75))
@given(specs(), evidence_maps)
def test_criterion_without_evidence_never_passes(spec, evidence):
    decision = evaluate(spec, evidence)
    for c in decision.criteria:
        if c.evidence is None:
            assert not c.passed and c.observed is None and c.level is None
    # Every generated spec has a required criterion: with no evidence it is undecided.
    assert evaluate(spec, {}).outcome == INSUFFICIENT
