"""Pure shaping of stored decisions into what the pages show (plain data in, plain data out).

A decision's `result` is `rubrics.evaluate.Decision.to_dict()`: outcome, weighted total,
reasons and, per criterion, key, title, required, points, threshold (points), observed
(points or None), level, passed and the evidence used (score, maximum, timestamp, comment).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MET = "met"
NOT_MET = "not_met"
INSUFFICIENT = "insufficient_evidence"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    points: float
    threshold: float
    required: bool


@dataclass(frozen=True)
class Cell:
    observed: float | None
    threshold: float
    points: float
    passed: bool
    level: str | None
    comment: str
    graded_at: str | None

    @property
    def status(self) -> str:
        """met / not_met / missing: what the learner and the instructor need to know."""
        if self.observed is None:
            return "missing"
        return MET if self.passed else NOT_MET


@dataclass(frozen=True)
class Row:
    learner_id: int
    name: str
    outcome: str | None  # None: not evaluated yet
    decided_at: Any
    cells: tuple[Cell | None, ...]
    award: Any  # the live (or latest) award, whatever the caller passes


def columns_of(results: Iterable[Mapping[str, Any]]) -> list[Column]:
    """Criteria columns in first-seen order over stored decision results (or spec dicts)."""
    columns: dict[str, Column] = {}
    for result in results:
        for c in result.get("criteria", ()):
            if c["key"] not in columns:
                columns[c["key"]] = Column(
                    key=c["key"],
                    title=c.get("title") or c["key"],
                    points=float(c.get("points") or 0),
                    threshold=float(c.get("threshold") or 0),
                    required=bool(c.get("required", True)),
                )
    return list(columns.values())


def columns_of_spec(spec_dict: Mapping[str, Any]) -> list[Column]:
    """Columns from `rubrics.spec.version_spec_to_dict()` (thresholds converted to points)."""
    columns = []
    for c in spec_dict.get("criteria", ()):
        points = float(c["points"])
        threshold = float(c["threshold"])
        if c.get("threshold_unit") == "percent":
            threshold = points * threshold / 100.0
        columns.append(
            Column(
                key=c["key"],
                title=c.get("title") or c["key"],
                points=points,
                threshold=threshold,
                required=bool(c.get("required", True)),
            )
        )
    return columns


def cell_of(criterion: Mapping[str, Any]) -> Cell:
    evidence = criterion.get("evidence") or {}
    observed = criterion.get("observed")
    return Cell(
        observed=None if observed is None else float(observed),
        threshold=float(criterion.get("threshold") or 0),
        points=float(criterion.get("points") or 0),
        passed=bool(criterion.get("passed")),
        level=criterion.get("level"),
        comment=evidence.get("comment") or "",
        graded_at=evidence.get("timestamp"),
    )


def cells_of(
    result: Mapping[str, Any] | None, columns: Sequence[Column]
) -> tuple[Cell | None, ...]:
    by_key = {c["key"]: c for c in (result or {}).get("criteria", ())}
    return tuple(cell_of(by_key[col.key]) if col.key in by_key else None for col in columns)


def build_rows(
    *,
    learners: Sequence[tuple[int, str]],
    decisions: Mapping[int, tuple[Mapping[str, Any], Any]],
    awards: Mapping[int, Any],
    columns: Sequence[Column],
) -> list[Row]:
    """One row per learner (sorted by name): their latest decision's cells and their award.

    `decisions` maps learner id -> (result dict, decided_at) of the latest decision.
    """
    rows = []
    for learner_id, name in sorted(learners, key=lambda item: (item[1].casefold(), item[0])):
        result, decided_at = decisions.get(learner_id, (None, None))
        rows.append(
            Row(
                learner_id=learner_id,
                name=name,
                outcome=(result or {}).get("outcome"),
                decided_at=decided_at,
                cells=cells_of(result, columns),
                award=awards.get(learner_id),
            )
        )
    return rows


def outcome_counts(rows: Iterable[Row]) -> dict[str, int]:
    counts = {MET: 0, NOT_MET: 0, INSUFFICIENT: 0, "pending": 0}
    for row in rows:
        counts[row.outcome or "pending"] = counts.get(row.outcome or "pending", 0) + 1
    return counts


def progress_items(
    result: Mapping[str, Any] | None, columns: Sequence[Column]
) -> list[tuple[Column, Cell | None]]:
    """Per criterion of a rule: (column, cell or None when never evaluated) for the learner."""
    return list(zip(columns, cells_of(result, columns), strict=True))


def comments_hidden(cells: Sequence[Cell | None]) -> tuple[Cell | None, ...]:
    """The same cells with grader comments removed (institution does not publish them)."""
    return tuple(
        None
        if cell is None
        else Cell(
            observed=cell.observed,
            threshold=cell.threshold,
            points=cell.points,
            passed=cell.passed,
            level=cell.level,
            comment="",
            graded_at=cell.graded_at,
        )
        for cell in cells
    )
