"""CSV exports of decisions and reports: plain rows in, a download out.

Cells come from the LMS (names, comments) and end up in spreadsheets: a leading `=`, `+`,
`-`, `@`, tab or carriage return would make a spreadsheet run a formula, so such cells get
a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_START):
        # Numbers stay numbers: only text that a spreadsheet would evaluate is defused.
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return buffer.getvalue()


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


DECISION_HEADER = (
    "decision_id",
    "decided_at",
    "learner_id",
    "learner_sub",
    "learner_name",
    "achievement",
    "outcome",
    "trigger",
    "criterion",
    "observed",
    "points",
    "threshold",
    "level",
    "passed",
)


def decision_rows(decisions: Iterable[Any]) -> Iterable[list[Any]]:
    """One line per decision × criterion (long format: filters and pivots work directly).

    `decisions` are Decision rows with learner and achievement loaded.
    """
    for d in decisions:
        base = [
            d.pk,
            d.decided_at.isoformat(),
            d.learner_id,
            d.learner.sub,
            d.learner.name,
            d.achievement.name,
            d.outcome,
            d.trigger,
        ]
        criteria = (d.result or {}).get("criteria") or [{}]
        for c in criteria:
            passed = c.get("passed")
            yield [
                *base,
                c.get("key", ""),
                c.get("observed"),
                c.get("points"),
                c.get("threshold"),
                c.get("level") or "",
                "" if passed is None else ("yes" if passed else "no"),
            ]
