"""What one AGS result says, as plain data, and the hash that tells a change.

Pure: no ORM, no HTTP. The hash covers the whole result as received (canonical JSON), so a
change to anything the LMS tells us — score, maximum, comment, timestamp, extensions — is
a new revision, and a result fetched again unchanged hashes the same (Canvas sends no
timestamps, so the content itself is the only change signal).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.utils.dateparse import parse_datetime


@dataclass(frozen=True)
class ResultContent:
    user_id: str
    score: float | None
    maximum: float | None
    comment: str
    lms_timestamp: datetime | None
    raw: dict
    content_hash: str


# The canonical form of every stored hash: changing it would make every stored result look
# changed once. One encoder, built once: `json.dumps` with these options builds a new one per
# call, which is a fifth of the cost of hashing a result that a re-sync finds unchanged.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(raw: dict) -> str:
    return canonical_and_hash(raw)[1]


def canonical_and_hash(raw: dict) -> tuple[str, str]:
    """The result's canonical JSON and its hash: the text is what the sync stores as the
    result's `raw` (the same document; encoding it once serves both)."""
    text = _CANONICAL.encode(raw)
    return text, hashlib.sha256(text.encode()).hexdigest()


def _number(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _timestamp(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def read_result(raw: dict, *, digest: str | None = None) -> ResultContent:
    """A result dict from the LMS as plain fields; `userId` must be present (checked upstream).

    `digest` is `content_hash(raw)` when the caller has computed it already.
    """
    return ResultContent(
        user_id=str(raw["userId"]),
        score=_number(raw.get("resultScore")),
        maximum=_number(raw.get("resultMaximum")),
        comment=str(raw.get("comment") or ""),
        lms_timestamp=_timestamp(raw.get("timestamp")),
        raw=raw,
        content_hash=digest or content_hash(raw),
    )
