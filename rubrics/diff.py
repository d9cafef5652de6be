"""A readable diff of two rubric versions: criteria, thresholds, levels, alignments, policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from .spec import CriterionSpec, PolicySpec, VersionSpec

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class Change:
    kind: str  # added / removed / changed
    where: str  # "policy", "criterion a", "criterion a · level x"
    what: str  # the field, in words
    old: str = ""
    new: str = ""
    # For people: the place named by title ("criterion “Search data”"), and a secondary
    # text for a value (a gradebook column's URL, shown beside its LMS label).
    place: str = ""
    old_detail: str = ""
    new_detail: str = ""


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _threshold(c: CriterionSpec) -> str:
    return f"{c.threshold:g}%" if c.threshold_unit == "percent" else f"{c.threshold:g} points"


def _levels(c: CriterionSpec) -> dict[str, str]:
    return {lv.name: f"from {lv.min_score:g} points. {lv.description}".strip() for lv in c.levels}


def _alignments(c: CriterionSpec) -> dict[str, str]:
    return {
        f"{a.framework} {a.code}": f"{a.code} {a.title}"
        + (f" ({a.proficiency_level})" if a.proficiency_level else "")
        for a in c.alignments
    }


def _criterion_fields(c: CriterionSpec) -> dict[str, str]:
    return {
        "title": c.title,
        "description": c.description,
        "points": _num(c.points),
        "threshold": _threshold(c),
        "required": "required" if c.required else "optional",
        "weight": _num(c.weight),
        COLUMN: c.line_item_url or "not created yet",
    }


def _policy_fields(p: PolicySpec) -> dict[str, str]:
    return {
        "minimum weighted total": "—"
        if p.min_weighted_total is None
        else f"{p.min_weighted_total:g}%",
        "at least N criteria passed": "—" if p.min_passed is None else str(p.min_passed),
        "result that counts": p.result_choice,
        "grading window starts": p.window_start.isoformat() if p.window_start else "—",
        "grading window ends": p.window_end.isoformat() if p.window_end else "—",
    }


def _compare(where: str, old: dict[str, str], new: dict[str, str], named: str = "") -> list[Change]:
    out = []
    for key in old.keys() | new.keys():
        label = f"{named} {key}".strip()
        if key not in new:
            out.append(Change(REMOVED, where, label, old[key], ""))
        elif key not in old:
            out.append(Change(ADDED, where, label, "", new[key]))
        elif old[key] != new[key]:
            out.append(Change(CHANGED, where, label, old[key], new[key]))
    return sorted(out, key=lambda c: c.what)


COLUMN = "gradebook column"


def _named_columns(changes: list[Change], labels: Mapping[str, str]) -> list[Change]:
    """Gradebook columns by their LMS label, the URL (what is compared) kept as detail."""
    out = []
    for c in changes:
        if c.what == COLUMN:
            c = replace(
                c,
                old=labels.get(c.old, c.old) if c.old else "",
                new=labels.get(c.new, c.new) if c.new else "",
                old_detail=c.old if c.old in labels else "",
                new_detail=c.new if c.new in labels else "",
            )
        out.append(c)
    return out


def diff_versions(
    old: VersionSpec | None,
    new: VersionSpec,
    *,
    column_labels: Mapping[str, str] | None = None,
) -> list[Change]:
    """Changes from `old` (the previous version; None for a first version) to `new`.
    `column_labels` maps gradebook column URLs to their labels in the LMS."""
    changes: list[Change] = []
    old_policy = _policy_fields(old.policy) if old else {}
    changes += _compare("policy", old_policy, _policy_fields(new.policy))
    if old and old.title != new.title:
        changes.append(Change(CHANGED, "rubric", "title", old.title, new.title))
    old_criteria = {c.key: c for c in old.criteria} if old else {}
    new_criteria = {c.key: c for c in new.criteria}
    for key in [*(k for k in old_criteria if k not in new_criteria), *new_criteria]:
        where = f"criterion {key}"
        before, after = old_criteria.get(key), new_criteria.get(key)
        if after is None:
            assert before is not None  # the key came from old_criteria
            changes.append(
                Change(REMOVED, where, "criterion", before.title, "", f"criterion “{before.title}”")
            )
            continue
        place = f"criterion “{after.title}”"
        found: list[Change] = []
        if before is None:
            found.append(Change(ADDED, where, "criterion", "", after.title))
        found += _compare(
            where, _criterion_fields(before) if before else {}, _criterion_fields(after)
        )
        found += _compare(where, _levels(before) if before else {}, _levels(after), "level")
        found += _compare(
            where, _alignments(before) if before else {}, _alignments(after), "alignment"
        )
        changes += [replace(c, place=place) for c in found]
    return _named_columns(changes, column_labels or {})
