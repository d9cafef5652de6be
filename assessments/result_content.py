"""What one AGS result says, as plain data, and the hash that tells a change.

Pure: no ORM, no HTTP. The hash covers the whole result as received (canonical JSON), so a
change to anything the LMS tells us — score, maximum, comment, timestamp, extensions — is
a new revision, and a result fetched again unchanged hashes the same (Canvas sends no
timestamps, so the content itself is the only change signal).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime

from django.utils.dateparse import parse_datetime

# The canonical form of every stored hash: changing it would make every stored result look
# changed once. One encoder, built once: `json.dumps` with these options builds a new one per
# call, which is a fifth of the cost of hashing a result that a re-sync finds unchanged.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _c_encoder() -> Callable[[object], str]:
    """`_CANONICAL.encode`, without the C encoder it builds on every call (a fifth of its
    time): the same C encoder with the same options, built once, with no check for a
    document that contains itself (a result is decoded JSON, which cannot). Where Python
    has no C encoder, or builds it differently, `_CANONICAL.encode` itself."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _CANONICAL.encode
    try:
        encoder = make(
            None,  # markers: no circular check
            _CANONICAL.default,
            json.encoder.encode_basestring,  # ensure_ascii=False
            None,  # indent
            _CANONICAL.key_separator,
            _CANONICAL.item_separator,
            _CANONICAL.sort_keys,
            _CANONICAL.skipkeys,
            _CANONICAL.allow_nan,
        )
    except TypeError:  # another Python's signature
        return _CANONICAL.encode
    return lambda value: "".join(encoder(value, 0))


_encode = _c_encoder()


def content_hash(raw: dict) -> str:
    return canonical_and_hash(raw)[1]


def canonical_and_hash(raw: dict) -> tuple[str, str]:
    """The result's canonical JSON and its hash: the text is what the sync stores as the
    result's `raw` (the same document; encoding it once serves both)."""
    text = _encode(raw)
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


def content_row(raw: dict, text: str, digest: str) -> tuple:
    """What a result and each of its revisions store of `raw`, as one plain tuple (built for
    every result a sync writes, so no object per result): score, maximum, comment, LMS
    timestamp, `raw`'s canonical text and its hash (`canonical_and_hash`: the text is stored
    as the result's `raw`, the same document encoded once)."""
    return (
        _number(raw.get("resultScore")),
        _number(raw.get("resultMaximum")),
        str(raw.get("comment") or ""),
        _timestamp(raw.get("timestamp")),
        text,
        digest,
    )
