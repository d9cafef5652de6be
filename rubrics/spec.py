"""Plain, frozen descriptions of a rubric version: what evaluate() reads.

No ORM here: `RubricVersion.to_spec()` builds these, the benchmark and the tests build
them by hand, and `to_dict()`/`version_spec_from_dict()` store them as a snapshot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

POINTS = "points"
PERCENT = "percent"
LATEST = "latest"
HIGHEST = "highest"
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class SpecError(ValueError):
    """A rubric definition that cannot be evaluated; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class LevelSpec:
    name: str
    min_score: float  # in points of the criterion
    description: str = ""


@dataclass(frozen=True, slots=True)
class AlignmentSpec:
    framework: str
    code: str
    title: str
    url: str
    proficiency_level: str = ""
    proficiency_url: str = ""
    target_type: str = "ceasn:Competency"


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    key: str
    title: str
    points: float
    threshold: float
    threshold_unit: str = POINTS
    required: bool = True
    weight: float = 1.0
    description: str = ""
    levels: tuple[LevelSpec, ...] = ()
    alignments: tuple[AlignmentSpec, ...] = ()
    line_item_url: str = ""
    line_item_tag: str = ""

    @property
    def threshold_points(self) -> float:
        if self.threshold_unit == PERCENT:
            return self.points * self.threshold / 100.0
        return self.threshold


@dataclass(frozen=True, slots=True)
class PolicySpec:
    # Every required criterion must pass; these add further conditions when set.
    min_weighted_total: float | None = None  # percent of the weighted maximum, 0..100
    min_passed: int | None = None
    result_choice: str = LATEST
    window_start: datetime | None = None
    window_end: datetime | None = None


@dataclass(frozen=True, slots=True)
class VersionSpec:
    criteria: tuple[CriterionSpec, ...]
    policy: PolicySpec = field(default_factory=PolicySpec)
    rubric_id: int | None = None
    version_id: int | None = None
    number: int = 1
    title: str = ""

    def validate(self) -> VersionSpec:
        """Raise SpecError naming the first problem; return self when evaluable."""
        if not self.criteria:
            raise SpecError(_("A rubric needs at least one criterion."))
        seen: set[str] = set()
        for c in self.criteria:
            _validate_criterion(c)
            if c.key in seen:
                raise SpecError(_("Criterion key “%(key)s” is used twice.") % {"key": c.key})
            seen.add(c.key)
        _validate_policy(self.policy, self.criteria)
        return self


@dataclass(frozen=True, slots=True)
class Observation:
    """One result of one learner on the criterion's line item, as evidence."""

    score: float | None
    maximum: float | None
    timestamp: datetime | None
    result_id: int | None = None
    revision: int | None = None
    comment: str = ""


def _validate_criterion(c: CriterionSpec) -> None:
    if not KEY_RE.match(c.key or ""):
        raise SpecError(
            _("Criterion key “%(key)s”: use 1-64 lower-case letters, digits, '-' or '_'.")
            % {"key": c.key}
        )
    if not c.title.strip():
        raise SpecError(_("Criterion “%(key)s” needs a title.") % {"key": c.key})
    if not c.points > 0:
        raise SpecError(_("Criterion “%(key)s”: points must be more than 0.") % {"key": c.key})
    if c.threshold_unit not in (POINTS, PERCENT):
        raise SpecError(
            _("Criterion “%(key)s”: threshold unit must be points or percent.") % {"key": c.key}
        )
    top = 100.0 if c.threshold_unit == PERCENT else c.points
    if not 0 <= c.threshold <= top:
        message = (
            _("Criterion “%(key)s”: threshold must be between 0 and %(top)s percent.")
            if c.threshold_unit == PERCENT
            else _("Criterion “%(key)s”: threshold must be between 0 and %(top)s points.")
        )
        raise SpecError(message % {"key": c.key, "top": f"{top:g}"})
    if c.weight < 0:
        raise SpecError(_("Criterion “%(key)s”: weight cannot be negative.") % {"key": c.key})
    names: set[str] = set()
    for level in c.levels:
        if not level.name.strip():
            raise SpecError(_("Criterion “%(key)s”: every level needs a name.") % {"key": c.key})
        if level.name in names:
            raise SpecError(
                _("Criterion “%(key)s”: level “%(level)s” is used twice.")
                % {"key": c.key, "level": level.name}
            )
        names.add(level.name)
        if not 0 <= level.min_score <= c.points:
            raise SpecError(
                _("Criterion “%(key)s”: level “%(level)s” must start between 0 and %(top)s points.")
                % {"key": c.key, "level": level.name, "top": f"{c.points:g}"}
            )


def _validate_policy(p: PolicySpec, criteria: tuple[CriterionSpec, ...]) -> None:
    if p.result_choice not in (LATEST, HIGHEST):
        raise SpecError(_("Which result counts must be 'latest' or 'highest'."))
    if p.min_weighted_total is not None and not 0 <= p.min_weighted_total <= 100:
        raise SpecError(_("The minimum weighted total is a percentage between 0 and 100."))
    if p.min_weighted_total and not any(c.weight > 0 for c in criteria):
        raise SpecError(_("A minimum weighted total needs at least one criterion with a weight."))
    if p.min_passed is not None and not 0 <= p.min_passed <= len(criteria):
        raise SpecError(
            _("At least N criteria passed: N must be between 0 and %(n)d.") % {"n": len(criteria)}
        )
    if p.window_start and p.window_end and p.window_start > p.window_end:
        raise SpecError(_("The grading window ends before it starts."))
    if not any(c.required for c in criteria) and not p.min_passed and not p.min_weighted_total:
        # Otherwise a learner with no evidence at all would meet the rubric.
        raise SpecError(
            _(
                "Make at least one criterion required, or set a minimum number passed or a "
                "minimum weighted total."
            )
        )


# --- snapshots -------------------------------------------------------------------------


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def version_spec_to_dict(spec: VersionSpec) -> dict[str, Any]:
    p = spec.policy
    return {
        "rubric_id": spec.rubric_id,
        "version_id": spec.version_id,
        "number": spec.number,
        "title": spec.title,
        "policy": {
            "min_weighted_total": p.min_weighted_total,
            "min_passed": p.min_passed,
            "result_choice": p.result_choice,
            "window_start": _dt(p.window_start),
            "window_end": _dt(p.window_end),
        },
        "criteria": [
            {
                "key": c.key,
                "title": c.title,
                "description": c.description,
                "points": c.points,
                "threshold": c.threshold,
                "threshold_unit": c.threshold_unit,
                "required": c.required,
                "weight": c.weight,
                "line_item_url": c.line_item_url,
                "line_item_tag": c.line_item_tag,
                "levels": [
                    {"name": lv.name, "min_score": lv.min_score, "description": lv.description}
                    for lv in c.levels
                ],
                "alignments": [
                    {
                        "framework": a.framework,
                        "code": a.code,
                        "title": a.title,
                        "url": a.url,
                        "proficiency_level": a.proficiency_level,
                        "proficiency_url": a.proficiency_url,
                        "target_type": a.target_type,
                    }
                    for a in c.alignments
                ],
            }
            for c in spec.criteria
        ],
    }


def version_spec_from_dict(data: dict[str, Any]) -> VersionSpec:
    p = data.get("policy") or {}
    return VersionSpec(
        rubric_id=data.get("rubric_id"),
        version_id=data.get("version_id"),
        number=data.get("number", 1),
        title=data.get("title", ""),
        policy=PolicySpec(
            min_weighted_total=p.get("min_weighted_total"),
            min_passed=p.get("min_passed"),
            result_choice=p.get("result_choice", LATEST),
            window_start=_parse_dt(p.get("window_start")),
            window_end=_parse_dt(p.get("window_end")),
        ),
        criteria=tuple(
            CriterionSpec(
                key=c["key"],
                title=c["title"],
                description=c.get("description", ""),
                points=float(c["points"]),
                threshold=float(c["threshold"]),
                threshold_unit=c.get("threshold_unit", POINTS),
                required=bool(c.get("required", True)),
                weight=float(c.get("weight", 1.0)),
                line_item_url=c.get("line_item_url", ""),
                line_item_tag=c.get("line_item_tag", ""),
                levels=tuple(LevelSpec(**lv) for lv in c.get("levels", ())),
                alignments=tuple(AlignmentSpec(**a) for a in c.get("alignments", ())),
            )
            for c in data.get("criteria", ())
        ),
    )
