"""What an id_token says before it is verified: never trusted, only read to choose what to
look up ahead of verification (the deployment offered to the platform's query, the platform
the issuer and audience name, the key the header names) and to word a refusal (the nonce a
stale launch carried). The token is read once a launch (`read_unverified`); the verified
decode (message_launch, pyjwt) reads the whole token again and only its claims are used."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class UnverifiedToken:
    """An id_token's header and claims as sent, not verified (never trusted)."""

    token: str
    header: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)
    readable: bool = False  # three segments, header and payload base64 JSON objects

    def text_claim(self, name: str) -> str:
        """A text claim: "" when absent, not text or unreadable."""
        value = self.payload.get(name)
        return value if isinstance(value, str) else ""

    def nonce(self) -> str:
        """Only to word a refusal: which nonce a stale launch carried."""
        nonce = self.payload.get("nonce")
        return "" if nonce is None else str(nonce)


def _segment(segment: str) -> dict | None:
    try:
        value = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, TypeError, RecursionError):  # bad base64, UTF-8 or JSON; too deep
        return None
    return value if isinstance(value, dict) else None


def read_unverified(token: str) -> UnverifiedToken:
    """The token's header and payload, read with the standard library's base64 and JSON:
    pyjwt's unverified decode checks the token's alphabet character by character in Python
    (~0.15 ms a launch), and nothing read here is believed. A token that is not three
    segments whose first two are base64 JSON objects reads as empty (`readable` False)."""
    parts = token[:65536].split(".")
    if len(parts) != 3:
        return UnverifiedToken(token)
    header = _segment(parts[0])
    payload = _segment(parts[1]) if header is not None else None
    if header is None or payload is None:
        return UnverifiedToken(token)
    return UnverifiedToken(token, header, payload, readable=True)


def unverified_claim(token: str, name: str) -> str:
    """A text claim of an id_token not verified yet (never trusted): only to choose what to
    read ahead of verification. "" when absent, not text or unreadable."""
    return read_unverified(token).text_claim(name)


def unverified_nonce(token: str) -> str:
    """Only to word a refusal: which nonce a stale launch carried (never trusted)."""
    return read_unverified(token).nonce()
