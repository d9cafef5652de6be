"""Reading a bulk award or revocation CSV and saying what each line would do (pure: bytes and
plain lookups in, plain outcomes out; the database side is awarding.bulk_awards, ADR 0067).

A file is refused whole when it cannot be read as a table (size, encoding, header); past that,
every line gets an outcome, and only a file whose every line can be applied is applied.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from urllib.parse import urlsplit

MAX_BYTES = 512 * 1024
MAX_ROWS = 2000
MAX_CELL = 1000
MIN_REASON = 5

AWARD = "award"
REVOKE = "revoke"

# The columns each kind needs, in the header's words (case and spaces do not matter).
COLUMNS: dict[str, tuple[str, ...]] = {
    AWARD: ("learner", "achievement", "reason"),
    REVOKE: ("learner", "achievement", "reason", "public_reason"),
}
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {AWARD: ("evidence_url",), REVOKE: ()}


class CsvRefused(ValueError):
    """The file as a whole cannot be read; `code` says why (the page words it)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


class Outcome(StrEnum):
    WILL_AWARD = "will_award"
    WILL_REVOKE = "will_revoke"
    ALREADY_HOLDS = "already_holds"
    NOT_HELD = "not_held"
    UNKNOWN_LEARNER = "unknown_learner"
    AMBIGUOUS_LEARNER = "ambiguous_learner"
    UNKNOWN_ACHIEVEMENT = "unknown_achievement"
    AMBIGUOUS_ACHIEVEMENT = "ambiguous_achievement"
    NOT_ENROLLED = "not_enrolled"
    MALFORMED = "malformed"
    DUPLICATE = "duplicate"


APPLICABLE = frozenset({Outcome.WILL_AWARD, Outcome.WILL_REVOKE})


@dataclass(frozen=True)
class CsvRow:
    """One line of the file as read: `line` is its line number in the file (header is 1)."""

    line: int
    learner: str
    achievement: str
    reason: str
    extra: str  # the evidence URL (award) or the public reason (revoke)
    problem: str = ""  # why the line is malformed, a code; "" when it is well formed


@dataclass(frozen=True)
class Lookups:
    """What the database knows, keyed by what a CSV may say (all keys case-folded).

    learners: identifier (sub or sourcedId) -> learner ids; achievements: name or uuid ->
    achievement ids; enrolled: learner ids enrolled in the course; live_awards: (learner id,
    achievement id) -> the live award's id; categories: the public reasons a revocation may
    give (value or label, case-folded) -> value.
    """

    learners: Mapping[str, tuple[int, ...]]
    achievements: Mapping[str, tuple[int, ...]]
    enrolled: frozenset[int]
    live_awards: Mapping[tuple[int, int], int]
    categories: Mapping[str, str]


@dataclass(frozen=True)
class RowOutcome:
    line: int
    outcome: Outcome
    learner: str
    achievement: str
    reason: str
    extra: str
    learner_id: int | None = None
    achievement_id: int | None = None
    award_id: int | None = None
    detail: str = ""  # a malformation's code, or the line a duplicate repeats

    @property
    def applicable(self) -> bool:
        return self.outcome in APPLICABLE


def key(text: str) -> str:
    """How a CSV cell and a stored name are compared: spaces collapsed, case folded."""
    return " ".join(text.split()).casefold()


def decode(data: bytes) -> str:
    """UTF-8 with or without a byte order mark; anything else is refused with a reason."""
    if len(data) > MAX_BYTES:
        raise CsvRefused("too_large")
    if not data.strip():
        raise CsvRefused("empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvRefused("utf16")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvRefused("not_utf8", str(exc.start)) from None
    if "\x00" in text:
        raise CsvRefused("binary")
    return text


def read_rows(text: str, *, kind: str) -> list[CsvRow]:
    """The file's lines after its header, each well formed or marked with its problem."""
    records = _records(text)
    if not records:
        raise CsvRefused("empty")
    header = [key(h).replace(" ", "_") for h in records[0][1]]
    needed = COLUMNS[kind]
    missing = [c for c in needed if c not in header]
    if missing:
        raise CsvRefused("missing_columns", ", ".join(missing))
    known = set(needed) | set(OPTIONAL_COLUMNS[kind])
    unknown = [h for h in header if h not in known]
    if unknown:
        raise CsvRefused("unknown_columns", ", ".join(unknown))
    if len(records) == 1:
        raise CsvRefused("no_rows")
    if len(records) - 1 > MAX_ROWS:
        raise CsvRefused("too_many_rows", str(MAX_ROWS))
    at = {name: header.index(name) for name in header}
    extra_column = "evidence_url" if kind == AWARD else "public_reason"
    return [_row(line, cells, at, extra_column, width=len(header)) for line, cells in records[1:]]


def _records(text: str) -> list[tuple[int, list[str]]]:
    """(line the record starts on, its cells) for every non-blank record; a quoted cell may
    span lines, so the numbers come from the reader, not from counting rows."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = []
    start = 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                records.append((start, cells))
            start = reader.line_num + 1
            if len(records) > MAX_ROWS + 1:
                break  # too many: refused by the caller without reading the rest
    except csv.Error as exc:
        raise CsvRefused("not_csv", str(reader.line_num)) from exc
    return records


def _row(line: int, cells: list[str], at: dict[str, int], extra_column: str, width: int) -> CsvRow:
    def cell(name: str) -> str:
        i = at.get(name)
        return " ".join(cells[i].split()) if i is not None and i < len(cells) else ""

    learner = cell("learner")
    achievement = cell("achievement")
    reason = cell("reason")
    extra = cell(extra_column)
    problem = ""
    if len(cells) != width:
        problem = "cell_count"
    elif not learner:
        problem = "no_learner"
    elif not achievement:
        problem = "no_achievement"
    elif len(reason) < MIN_REASON:
        problem = "short_reason"
    elif any(len(c) > MAX_CELL for c in cells):
        problem = "too_long"
    elif extra_column == "evidence_url" and extra and not is_https_url(extra):
        problem = "evidence_url"
    elif extra_column == "public_reason" and not extra:
        problem = "no_public_reason"
    return CsvRow(line, learner, achievement, reason, extra, problem)


def is_https_url(text: str) -> bool:
    """An absolute https URL with a host (nothing is ever fetched from it)."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and bool(parts.hostname)
        and not any(ch.isspace() for ch in text)
        and len(text) <= 500
    )


def classify(rows: Sequence[CsvRow], lookups: Lookups, *, kind: str) -> list[RowOutcome]:
    """Every line's outcome, in file order."""
    seen: dict[tuple[int, int], int] = {}
    outcomes = []
    for row in rows:
        outcome = _classify(row, lookups, kind=kind)
        pair = (outcome.learner_id, outcome.achievement_id)
        if outcome.applicable and pair[0] is not None and pair[1] is not None:
            pair_key = (pair[0], pair[1])
            if pair_key in seen:
                outcome = _with(outcome, Outcome.DUPLICATE, detail=str(seen[pair_key]))
            else:
                seen[pair_key] = row.line
        outcomes.append(outcome)
    return outcomes


def _with(outcome: RowOutcome, to: Outcome, *, detail: str = "") -> RowOutcome:
    return RowOutcome(**{**asdict(outcome), "outcome": to, "detail": detail})


def _classify(row: CsvRow, lookups: Lookups, *, kind: str) -> RowOutcome:
    base = RowOutcome(
        row.line, Outcome.MALFORMED, row.learner, row.achievement, row.reason, row.extra
    )
    if row.problem:
        return _with(base, Outcome.MALFORMED, detail=row.problem)
    learners = lookups.learners.get(key(row.learner), ())
    if not learners:
        return _with(base, Outcome.UNKNOWN_LEARNER)
    if len(learners) > 1:
        return _with(base, Outcome.AMBIGUOUS_LEARNER)
    achievements = lookups.achievements.get(key(row.achievement), ())
    if not achievements:
        return _with(base, Outcome.UNKNOWN_ACHIEVEMENT)
    if len(achievements) > 1:
        return _with(base, Outcome.AMBIGUOUS_ACHIEVEMENT)
    learner_id, achievement_id = learners[0], achievements[0]
    found = RowOutcome(
        **{**asdict(base), "learner_id": learner_id, "achievement_id": achievement_id}
    )
    award_id = lookups.live_awards.get((learner_id, achievement_id))
    if kind == REVOKE:
        category = lookups.categories.get(key(row.extra))
        if category is None:
            return _with(found, Outcome.MALFORMED, detail="public_reason")
        if award_id is None:
            return _with(found, Outcome.NOT_HELD)
        return RowOutcome(
            **{
                **asdict(found),
                "outcome": Outcome.WILL_REVOKE,
                "award_id": award_id,
                "extra": category,
            }
        )
    if learner_id not in lookups.enrolled:
        return _with(found, Outcome.NOT_ENROLLED)
    if award_id is not None:
        return RowOutcome(
            **{**asdict(found), "outcome": Outcome.ALREADY_HOLDS, "award_id": award_id}
        )
    return _with(found, Outcome.WILL_AWARD)


def all_applicable(outcomes: Sequence[RowOutcome]) -> bool:
    """The file is applied only when every line can be (nothing half done)."""
    return bool(outcomes) and all(o.applicable for o in outcomes)


def outcomes_digest(outcomes: Sequence[RowOutcome]) -> str:
    """A fingerprint of what the preview promised, line by line: the apply recomputes it, and
    a different value means the preview is stale."""
    promised = [
        [o.line, o.outcome, o.learner_id, o.achievement_id, o.award_id, o.reason, o.extra]
        for o in outcomes
    ]
    return hashlib.sha256(json.dumps(promised, separators=(",", ":")).encode()).hexdigest()


def counts(outcomes: Sequence[RowOutcome]) -> dict[str, int]:
    """How many lines have each outcome (for the preview's summary and the audit entry)."""
    found: dict[str, int] = {}
    for o in outcomes:
        found[o.outcome.value] = found.get(o.outcome.value, 0) + 1
    return found
