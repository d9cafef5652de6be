"""What an id_token says before it is verified: never trusted, only read to choose what to
look up ahead of verification (the deployment offered to the platform's query) and to word a
refusal (the nonce a stale launch carried). The verified decode (message_launch) reads the
whole token again."""

from __future__ import annotations

import base64
import json


def _unverified_payload(token: str) -> dict:
    """The claims of an id_token not verified yet (never trusted), {} when unreadable. Read
    with the standard library's base64 and JSON: pyjwt's unverified decode checks the token's
    alphabet character by character in Python (~0.15 ms a launch), and nothing read here is
    believed: the verified decode (message_launch) checks the whole token again."""
    parts = token[:65536].split(".")
    if len(parts) != 3:
        return {}
    segment = parts[1]
    try:
        payload = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, TypeError, RecursionError):  # bad base64, UTF-8 or JSON; too deep
        return {}
    return payload if isinstance(payload, dict) else {}


def unverified_claim(token: str, name: str) -> str:
    """A text claim of an id_token not verified yet (never trusted): only to choose what to
    read ahead of verification. "" when absent, not text or unreadable."""
    value = _unverified_payload(token).get(name)
    return value if isinstance(value, str) else ""


def unverified_nonce(token: str) -> str:
    """Only to word a refusal: which nonce a stale launch carried (never trusted)."""
    nonce = _unverified_payload(token).get("nonce")
    return "" if nonce is None else str(nonce)
