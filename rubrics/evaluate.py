"""evaluate(spec, evidence) -> Decision: a pure function over plain data.

Rules (issue 4):
- per criterion, the result that counts is the latest (by LMS timestamp; at one timestamp, a
  result's later revision) or the highest,
  among observations with a score and, when the policy has a grading window, a timestamp
  inside it; a score reported against another maximum is rescaled to the criterion's points;
- passed = a counted score at or above the threshold; no evidence never passes;
- met = every required criterion passed, and the weighted total (percent of the weighted
  maximum; missing evidence counts 0) reaches the policy minimum when set, and at least N
  criteria passed when set;
- insufficient_evidence = a required criterion has no result yet, or the rubric is not met
  now but could still be if the criteria without evidence were graded;
- otherwise not_met.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from .spec import HIGHEST, CriterionSpec, Observation, PolicySpec, VersionSpec

MET = "met"
NOT_MET = "not_met"
INSUFFICIENT = "insufficient_evidence"
_EMPTY: tuple[Observation, ...] = ()


class CriterionDecision(NamedTuple):
    # A NamedTuple, not a dataclass: one is built per learner and criterion, and tuple
    # construction is several times cheaper (see bench/evaluate.py).
    key: str
    title: str
    required: bool
    weight: float
    points: float
    threshold: float  # in points
    observed: float | None  # in points, None when there is no evidence
    level: str | None
    passed: bool
    evidence: Observation | None
    considered: int  # observations that were eligible

    def to_dict(self) -> dict[str, Any]:
        ev = self.evidence
        return {
            "key": self.key,
            "title": self.title,
            "required": self.required,
            "weight": self.weight,
            "points": self.points,
            "threshold": self.threshold,
            "observed": self.observed,
            "level": self.level,
            "passed": self.passed,
            "considered": self.considered,
            "evidence": None
            if ev is None
            else {
                "score": ev.score,
                "maximum": ev.maximum,
                "timestamp": ev.timestamp.isoformat() if ev.timestamp else None,
                "result_id": ev.result_id,
                "revision": ev.revision,
                "comment": ev.comment,
            },
        }


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: str
    criteria: tuple[CriterionDecision, ...]
    weighted_total: float  # percent
    passed_count: int
    reasons: tuple[str, ...]

    @property
    def met(self) -> bool:
        return self.outcome == MET

    def criterion(self, key: str) -> CriterionDecision:
        for c in self.criteria:
            if c.key == key:
                return c
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "weighted_total": self.weighted_total,
            "passed_count": self.passed_count,
            "reasons": list(self.reasons),
            "criteria": [c.to_dict() for c in self.criteria],
        }


_NO_TIME = datetime.min.replace(tzinfo=UTC)
# Sort keys over every field of an Observation (score may be None only where it is filtered out).
_LatestKey = tuple[bool, datetime, float | None, int, int, float, str]
_HighestKey = tuple[float | None, bool, datetime, int, int, float, str]


def _latest_key(obs: Observation) -> _LatestKey:
    # A total order over every field, so the choice never depends on the input order.
    ts = obs.timestamp
    return (
        ts is not None,
        ts or _NO_TIME,
        obs.score,
        obs.revision or 0,
        obs.result_id or 0,
        obs.maximum or 0.0,
        obs.comment,
    )


def _without_superseded(observations: list[Observation]) -> list[Observation]:
    """Drop a result's revision that a later revision of the same result, with the same LMS
    timestamp, replaced. Moodle's timestamps are whole seconds: a grade corrected within the
    second it was given keeps its timestamp, and what the LMS shows now is the revision read
    later. Without this, "latest" fell to the score and took the higher, older grade."""
    newest: dict[tuple[int, datetime | None], Observation] = {}
    for o in observations:
        if o.result_id is None:
            continue
        key = (o.result_id, o.timestamp)
        if key not in newest or (o.revision or 0) > (newest[key].revision or 0):
            newest[key] = o
    return [
        o for o in observations if o.result_id is None or newest[(o.result_id, o.timestamp)] is o
    ]


def _highest_key(obs: Observation) -> _HighestKey:
    ts = obs.timestamp
    return (
        obs.score,
        ts is not None,
        ts or _NO_TIME,
        obs.revision or 0,
        obs.result_id or 0,
        obs.maximum or 0.0,
        obs.comment,
    )


def _criterion(
    c: CriterionSpec, observations: Sequence[Observation], policy: PolicySpec
) -> CriterionDecision:
    start, end = policy.window_start, policy.window_end
    if start or end:
        eligible = [
            o
            for o in observations
            if o.score is not None
            and o.timestamp is not None
            and not (start and o.timestamp < start)
            and not (end and o.timestamp > end)
        ]
    else:
        eligible = [o for o in observations if o.score is not None]
    threshold = c.threshold_points
    if not eligible:
        return CriterionDecision(
            c.key, c.title, c.required, c.weight, c.points, threshold, None, None, False, None, 0
        )
    if len(eligible) == 1:
        chosen = eligible[0]
    elif policy.result_choice == HIGHEST:
        chosen = max(eligible, key=_highest_key)
    else:
        chosen = max(_without_superseded(eligible), key=_latest_key)
    assert chosen.score is not None  # eligible holds scored observations only
    observed = float(chosen.score)
    if chosen.maximum and chosen.maximum != c.points:
        observed = observed * c.points / chosen.maximum
    level = None
    best = float("-inf")
    for lv in c.levels:
        if best < lv.min_score <= observed:
            level, best = lv.name, lv.min_score
    return CriterionDecision(
        c.key,
        c.title,
        c.required,
        c.weight,
        c.points,
        threshold,
        observed,
        level,
        observed >= threshold,
        chosen,
        len(eligible),
    )


def _weighted_total(criteria: Sequence[CriterionDecision], assume_full: bool = False) -> float:
    total_weight = sum(c.weight for c in criteria)
    if not total_weight:
        return 0.0
    acc = 0.0
    for c in criteria:
        if c.observed is None:
            share = 1.0 if assume_full else 0.0
        else:
            share = c.observed / c.points
            share = 0.0 if share < 0.0 else 1.0 if share > 1.0 else share
        acc += c.weight * share
    return 100.0 * acc / total_weight


def _checks(
    spec: VersionSpec,
    decided: Sequence[CriterionDecision],
    *,
    optimistic: bool,
    total: float | None = None,
) -> list[str]:
    """The reasons the rubric is not met; with optimistic=True, missing evidence counts full."""
    failures = []
    policy = spec.policy
    for c in decided:
        if c.required and not (c.passed or (optimistic and c.evidence is None)):
            failures.append(
                f"{c.key}: required, no result yet"
                if c.evidence is None
                else f"{c.key}: {c.observed:g} is below the threshold {c.threshold:g}"
            )
    if policy.min_weighted_total is not None:
        if total is None or optimistic:
            total = _weighted_total(decided, assume_full=optimistic)
        if total < policy.min_weighted_total:
            failures.append(f"weighted total {total:.1f}% is below {policy.min_weighted_total:g}%")
    if policy.min_passed:
        count = sum(1 for c in decided if c.passed or (optimistic and c.evidence is None))
        if count < policy.min_passed:
            failures.append(f"{count} criteria passed, {policy.min_passed} needed")
    return failures


def evaluate(spec: VersionSpec, evidence: Mapping[str, Sequence[Observation]]) -> Decision:
    """Decide one learner against one rubric version. `spec` must be valid (spec.validate())."""
    policy = spec.policy
    get = evidence.get
    decided = tuple([_criterion(c, get(c.key, _EMPTY), policy) for c in spec.criteria])
    passed_count = sum(1 for c in decided if c.passed)
    total = _weighted_total(decided)
    failures = _checks(spec, decided, optimistic=False, total=total)
    if not failures:
        return Decision(MET, decided, total, passed_count, ("all conditions met",))
    missing_required = [c.key for c in decided if c.required and c.evidence is None]
    if missing_required or not _checks(spec, decided, optimistic=True):
        return Decision(INSUFFICIENT, decided, total, passed_count, tuple(failures))
    return Decision(NOT_MET, decided, total, passed_count, tuple(failures))
