"""QA reports as pure functions over plain records (the views fetch, these compute).

- awards per rule: how many awards each rule produced, by state;
- pass rate per criterion: over each learner's latest decision per rule, the share of
  evaluated learners who passed the criterion (learners without a result are counted apart);
- time from grade to credential: from the newest grade a decision used to the award's issue.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class RuleAwards:
    rule_id: int
    label: str
    by_state: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_state.values())


@dataclass(frozen=True)
class CriterionRate:
    rule_label: str
    key: str
    title: str
    evaluated: int
    passed: int
    missing: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.evaluated if self.evaluated else None


@dataclass(frozen=True)
class Latency:
    count: int
    median_s: float | None
    p90_s: float | None
    max_s: float | None


def awards_per_rule(awards: Iterable[tuple[int, str, str]]) -> list[RuleAwards]:
    """`awards`: (rule id, rule label, state) per award."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    labels: dict[int, str] = {}
    for rule_id, label, state in awards:
        counts[rule_id][state] += 1
        labels[rule_id] = label
    return [
        RuleAwards(rule_id=rid, label=labels[rid], by_state=dict(counts[rid]))
        for rid in sorted(counts, key=lambda r: (labels[r].casefold(), r))
    ]


def pass_rates(latest: Iterable[tuple[str, Mapping[str, Any]]]) -> list[CriterionRate]:
    """`latest`: (rule label, decision result dict) — one per learner and rule, the latest."""
    acc: dict[tuple[str, str], list[int]] = {}
    titles: dict[tuple[str, str], str] = {}
    for label, result in latest:
        for c in result.get("criteria", ()):
            key = (label, c["key"])
            titles.setdefault(key, c.get("title") or c["key"])
            counts = acc.setdefault(key, [0, 0, 0])
            if c.get("observed") is None:
                counts[2] += 1
            else:
                counts[0] += 1
                counts[1] += 1 if c.get("passed") else 0
    return [
        CriterionRate(
            rule_label=label,
            key=key,
            title=titles[(label, key)],
            evaluated=ev,
            passed=ok,
            missing=missing,
        )
        for (label, key), (ev, ok, missing) in sorted(acc.items())
    ]


def newest_grade_time(result: Mapping[str, Any]) -> datetime | None:
    """The newest LMS timestamp among the evidence a decision used."""
    times = []
    for c in result.get("criteria", ()):
        stamp = (c.get("evidence") or {}).get("timestamp")
        if stamp:
            try:
                times.append(datetime.fromisoformat(stamp))
            except ValueError:
                continue
    return max(times) if times else None


def grade_to_credential(pairs: Iterable[tuple[Mapping[str, Any], datetime | None]]) -> Latency:
    """`pairs`: (decision result that made the award, award issued_at)."""
    seconds = []
    for result, issued_at in pairs:
        graded = newest_grade_time(result)
        if graded is None or issued_at is None:
            continue
        try:
            seconds.append(max(0.0, (issued_at - graded).total_seconds()))
        except TypeError:  # naive vs aware timestamp from an odd LMS: skip, don't guess
            continue
    if not seconds:
        return Latency(count=0, median_s=None, p90_s=None, max_s=None)
    seconds.sort()
    p90 = seconds[min(len(seconds) - 1, int(round(0.9 * (len(seconds) - 1))))]
    return Latency(
        count=len(seconds), median_s=statistics.median(seconds), p90_s=p90, max_s=seconds[-1]
    )
