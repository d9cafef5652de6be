"""The awarding rule of a version in one sentence an instructor can check (pure).

Built from the same VersionSpec that evaluate() reads, so the sentence cannot describe a
rule other than the one applied.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .spec import PERCENT, CriterionSpec, VersionSpec


def _num(value: float) -> str:
    # "5", "7.5" (localised by the active language), never "5.0" or "7.50".
    rounded = round(value, 2)
    return number_format(int(rounded) if rounded == int(rounded) else rounded)


def _criterion_bar(c: CriterionSpec) -> str:
    if c.threshold_unit == PERCENT:
        return _("“%(title)s” at least %(threshold)s%% (%(points)s of %(max)s points)") % {
            "title": c.title,
            "threshold": _num(c.threshold),
            "points": _num(c.threshold_points),
            "max": _num(c.points),
        }
    return _("“%(title)s” at least %(threshold)s of %(max)s points") % {
        "title": c.title,
        "threshold": _num(c.threshold),
        "max": _num(c.points),
    }


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def threshold_sentence(spec: VersionSpec) -> str:
    """E.g. "Pass when “Quiz” is at least 5 of 10 points and at least 2 of 3 criteria pass."."""
    if not spec.criteria:
        return _("Add a criterion to see when a learner passes.")
    required = [c for c in spec.criteria if c.required]
    conditions = []
    if required:
        conditions.append(_join([_criterion_bar(c) for c in required]))
    policy = spec.policy
    if policy.min_passed:
        conditions.append(
            ngettext(
                "at least %(n)s of the %(total)s criteria reached",
                "at least %(n)s of the %(total)s criteria reached",
                policy.min_passed,
            )
            % {"n": policy.min_passed, "total": len(spec.criteria)}
        )
    if policy.min_weighted_total:
        conditions.append(
            _("a weighted total of at least %(pct)s%%") % {"pct": _num(policy.min_weighted_total)}
        )
    if not conditions:
        return _("Pass when graded: no criterion is required and no minimum is set.")
    counted = (
        _("the highest result counts")
        if policy.result_choice == "highest"
        else _("the latest result counts")
    )
    return _("Pass when %(conditions)s (%(counted)s).") % {
        "conditions": _join(conditions),
        "counted": counted,
    }
