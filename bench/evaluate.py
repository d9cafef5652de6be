"""Decisions per second of rubrics.evaluate for a 20-criterion rubric over 100,000 learners,
beside the same loop doing only the data loading (raw result rows -> Observations grouped
by learner and criterion, as rubrics.evidence does), in the same run.

    .venv/bin/python bench/evaluate.py [--learners 100000] [--criteria 20]

The last line is JSON: decisions_per_s (load + evaluate), loading_per_s (load only),
evaluate_only_per_s, and ratio_vs_loading = time(load + evaluate) / time(load only).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rubrics.evaluate import evaluate  # noqa: E402
from rubrics.spec import (  # noqa: E402
    CriterionSpec,
    LevelSpec,
    Observation,
    PolicySpec,
    VersionSpec,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
POOL = 5000  # distinct learners' row sets, cycled (keeps memory flat at 100k learners)


def make_spec(n: int) -> VersionSpec:
    criteria = tuple(
        CriterionSpec(
            key=f"c{i:02d}",
            title=f"Criterion {i}",
            points=10.0,
            threshold=50.0 if i % 2 else 5.0,
            threshold_unit="percent" if i % 2 else "points",
            required=i < n // 2,
            weight=1.0 + (i % 3),
            levels=(
                LevelSpec("Foundation", 2),
                LevelSpec("Intermediate", 5),
                LevelSpec("Advanced", 8),
            ),
        )
        for i in range(n)
    )
    return VersionSpec(
        criteria=criteria,
        policy=PolicySpec(min_weighted_total=55, min_passed=n * 3 // 4, result_choice="latest"),
    ).validate()


def make_rows(n_criteria: int, rng: random.Random) -> list[list[tuple]]:
    """Per learner: result rows as load_evidence reads them (values_list tuples)."""
    pool = []
    for learner in range(POOL):
        rows = []
        for i in range(n_criteria):
            if rng.random() < 0.05:
                continue  # not graded yet
            for rev in range(1, (3 if rng.random() < 0.2 else 2)):
                rows.append(
                    (
                        f"c{i:02d}",
                        round(rng.triangular(2, 10, 9), 1),
                        10.0,
                        T0 + timedelta(minutes=learner + rev),
                        learner * 100 + i,
                        rev,
                        "",
                    )
                )
        pool.append(rows)
    return pool


def load(rows: list[tuple]) -> dict[str, list[Observation]]:
    by_key: dict[str, list[Observation]] = {}
    for key, score, maximum, ts, result_id, rev, comment in rows:
        obs = Observation(score, maximum, ts, result_id, rev, comment)
        bucket = by_key.get(key)
        if bucket is None:
            by_key[key] = [obs]
        else:
            bucket.append(obs)
    return by_key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--criteria", type=int, default=20)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    spec = make_spec(args.criteria)
    pool = make_rows(args.criteria, random.Random(args.seed))
    n = args.learners

    started = time.perf_counter()
    loaded = 0
    for i in range(n):
        loaded += len(load(pool[i % POOL]))
    loading_s = time.perf_counter() - started

    started = time.perf_counter()
    outcomes: dict[str, int] = {}
    for i in range(n):
        outcome = evaluate(spec, load(pool[i % POOL])).outcome
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    total_s = time.perf_counter() - started

    evidence = [load(rows) for rows in pool]
    started = time.perf_counter()
    for i in range(n):
        evaluate(spec, evidence[i % POOL])
    evaluate_s = time.perf_counter() - started

    print(f"learners={n} criteria={args.criteria} python={platform.python_version()}")
    print(f"loading only:        {loading_s:8.2f} s  {n / loading_s:12,.0f} learners/s")
    print(f"loading + evaluate:  {total_s:8.2f} s  {n / total_s:12,.0f} decisions/s")
    print(f"evaluate only:       {evaluate_s:8.2f} s  {n / evaluate_s:12,.0f} decisions/s")
    print(f"outcomes: {outcomes}")
    print(
        json.dumps(
            {
                "learners": n,
                "criteria": args.criteria,
                "decisions_per_s": round(n / total_s, 1),
                "loading_per_s": round(n / loading_s, 1),
                "evaluate_only_per_s": round(n / evaluate_s, 1),
                "ratio_vs_loading": round(total_s / loading_s, 2),
                "outcomes": outcomes,
            }
        )
    )


if __name__ == "__main__":
    main()
