"""Decisions in words: outcomes, what started an evaluation, and the reasons
`rubrics.evaluate` gives, as translatable sentences naming criteria by their title.

The evaluator stores its reasons as short English lines keyed by criterion
("search: 4 is below the threshold 6"); they are recognised here by their shape (one code
each, REASON_SENTENCES) and written out again in the reader's language. A line of an
unknown shape is shown as it is, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from awarding.models import Outcome

OUTCOME_SENTENCES: dict[str, Promise] = {
    Outcome.MET: _("Meets the rubric: the credential is awarded."),
    Outcome.NOT_MET: _("Does not meet the rubric."),
    Outcome.INSUFFICIENT_EVIDENCE: _("Not enough grades yet to decide."),
}

TRIGGER_SENTENCES: dict[str, Promise] = {
    "sync": _("after new grades came from the LMS"),
    "version_activated": _("when a new rubric version was put into use"),
    "launch": _("when someone opened Credbridge in the course"),
    "manual": _("when an instructor asked for the grades again"),
    "periodic": _("in the regular grade check"),
}

# code -> (the evaluator's line, as a pattern; the sentence people read)
REASON_SENTENCES: dict[str, tuple[re.Pattern[str], Promise]] = {
    "all_met": (re.compile(r"^all conditions met$"), _("Every condition of the rubric is met.")),
    "no_result": (
        re.compile(r"^(?P<key>[^:]+): required, no result yet$"),
        _("“%(criterion)s” is required and has no grade yet."),
    ),
    "below_threshold": (
        re.compile(
            r"^(?P<key>[^:]+): (?P<observed>\S+) is below the threshold (?P<threshold>\S+)$"
        ),
        _("“%(criterion)s”: %(observed)s is below the pass mark of %(threshold)s."),
    ),
    "weighted_total_low": (
        re.compile(r"^weighted total (?P<total>\S+)% is below (?P<needed>\S+)%$"),
        _("The weighted total, %(total)s %%, is below the %(needed)s %% needed."),
    ),
    "too_few_passed": (
        re.compile(r"^(?P<count>\d+) criteria passed, (?P<needed>\d+) needed$"),
        _("%(count)s criteria passed; %(needed)s are needed."),
    ),
    "column_deleted": (
        re.compile(
            r"^(?P<key>[^:]+): its gradebook column “(?P<label>.*)” \(criterion “.*”\) "
            r"was deleted in the LMS; "
        ),
        _(
            "The gradebook column “%(label)s” of “%(criterion)s” was deleted in the LMS: "
            "nothing is awarded on this rubric until the criterion is bound to a column again."
        ),
    ),
}


@dataclass(frozen=True)
class Reason:
    code: str  # a key of REASON_SENTENCES, or "" when the line's shape is unknown
    text: str


def outcome_sentence(outcome: str) -> str:
    sentence = OUTCOME_SENTENCES.get(outcome)
    return str(sentence) if sentence is not None else outcome


def trigger_sentence(trigger: str) -> str:
    sentence = TRIGGER_SENTENCES.get(trigger)
    return str(sentence) if sentence is not None else trigger


def reason_sentences(lines: Iterable[str], titles: Mapping[str, str]) -> list[Reason]:
    """The evaluator's reason lines as sentences; `titles` maps criterion keys to titles."""
    out = []
    for line in lines:
        line = str(line)
        for code, (pattern, sentence) in REASON_SENTENCES.items():
            found = pattern.match(line)
            if found:
                values = found.groupdict()
                key = values.pop("key", None)
                if key is not None:
                    values["criterion"] = titles.get(key, key)
                out.append(Reason(code, str(sentence) % values))
                break
        else:
            out.append(Reason("", line))
    return out


def criterion_titles(result: Mapping[str, object]) -> dict[str, str]:
    """Criterion keys to titles, from a stored decision result."""
    criteria = result.get("criteria")
    if not isinstance(criteria, list):
        return {}
    return {
        str(c.get("key")): str(c.get("title") or c.get("key"))
        for c in criteria
        if isinstance(c, dict)
    }
