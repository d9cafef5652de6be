"""What the bulk CSV preview says, in words: each line's outcome and why a file is refused
(awarding.bulk_csv names them by code)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .bulk_csv import MAX_BYTES, MAX_ROWS, CsvRefused, Outcome, RowOutcome, counts

OUTCOMES: dict[Outcome, Promise] = {
    Outcome.WILL_AWARD: gettext_lazy("Will award"),
    Outcome.WILL_REVOKE: gettext_lazy("Will revoke"),
    Outcome.ALREADY_HOLDS: gettext_lazy("Already holds it"),
    Outcome.NOT_HELD: gettext_lazy("Holds no live credential of this kind"),
    Outcome.UNKNOWN_LEARNER: gettext_lazy("Unknown learner"),
    Outcome.AMBIGUOUS_LEARNER: gettext_lazy("Several people have this identifier"),
    Outcome.UNKNOWN_ACHIEVEMENT: gettext_lazy("Unknown credential in this course"),
    Outcome.AMBIGUOUS_ACHIEVEMENT: gettext_lazy("Several credentials have this name: use its id"),
    Outcome.NOT_ENROLLED: gettext_lazy("Not enrolled in the course"),
    Outcome.MALFORMED: gettext_lazy("Malformed line"),
    Outcome.DUPLICATE: gettext_lazy("Repeats an earlier line"),
}

PROBLEMS: dict[str, Promise] = {
    "cell_count": gettext_lazy("it does not have one cell per column"),
    "no_learner": gettext_lazy("the learner is empty"),
    "no_achievement": gettext_lazy("the credential is empty"),
    "short_reason": gettext_lazy("the reason is shorter than 5 characters"),
    "too_long": gettext_lazy("a cell is longer than 1000 characters"),
    "evidence_url": gettext_lazy("the evidence link is not a full https:// address"),
    "no_public_reason": gettext_lazy("the public reason is empty"),
    "public_reason": gettext_lazy("the public reason is not one of the list"),
}


def outcome_words(outcome: Outcome, detail: str) -> str:
    words = str(OUTCOMES[outcome])
    if outcome == Outcome.MALFORMED and detail in PROBLEMS:
        return f"{words}: {PROBLEMS[detail]}"
    if outcome == Outcome.DUPLICATE and detail:
        return _("%(words)s (line %(line)s)") % {"words": words, "line": detail}
    return words


def refusal_words(refused: CsvRefused) -> str:
    """Why a whole file is refused, and what to do."""
    messages = {
        "too_large": _("The file is larger than %(kb)d KB: split it.") % {"kb": MAX_BYTES // 1024},
        "empty": _("The file is empty."),
        "utf16": _(
            "The file is UTF-16. Save it as “CSV UTF-8” (in Excel: File, Save as, "
            "CSV UTF-8) and upload it again."
        ),
        "not_utf8": _(
            "The file is not UTF-8 (byte %(at)s). Save it as “CSV UTF-8” (in Excel: File, "
            "Save as, CSV UTF-8) and upload it again."
        )
        % {"at": refused.detail},
        "binary": _("This is not a CSV file."),
        "not_csv": _("The file cannot be read as CSV (line %(at)s).") % {"at": refused.detail},
        "missing_columns": _("Columns missing from the first line: %(cols)s.")
        % {"cols": refused.detail},
        "unknown_columns": _("Unknown columns in the first line: %(cols)s.")
        % {"cols": refused.detail},
        "no_rows": _("The file has a header but no lines."),
        "too_many_rows": _("At most %(n)d lines per file: split it.") % {"n": MAX_ROWS},
    }
    return messages.get(refused.code, _("The file cannot be read."))


def preview_rows(outcomes: Sequence[RowOutcome]) -> list[dict[str, object]]:
    """Each line with its outcome in words, for the preview table (awarding/bulk_table.html)."""
    return [
        {"o": o, "words": outcome_words(o.outcome, o.detail), "ok": o.applicable} for o in outcomes
    ]


def outcome_counts(outcomes: Sequence[RowOutcome]) -> dict[str, int]:
    """How many lines have each outcome, by its words."""
    return {outcome_words(Outcome(code), ""): n for code, n in counts(outcomes).items()}
