"""A Deep Linking choice made in the new window goes back to the LMS's frame (ADR 0002).

When the launch left the LMS's iframe for a window of its own (cookies blocked), the LMS still
expects the Deep Linking response in that frame: Moodle's contentitem_return.php hands the
content to its "Select content" dialog through `parent`, which a top-level window does not
have. The frame's login page holds a random frame id, passes it to the window's login, and
polls for the response; the deep-link view parks the signed response under that id, once.
A window's opener cannot carry it: the pages' Cross-Origin-Opener-Policy severs it.
"""

from __future__ import annotations

import re
import secrets

from django.core.cache import cache

FRAME_TTL_S = 10 * 60  # as long as a login lives
_FRAME_RE = re.compile(r"[A-Za-z0-9_-]{32}")
_PREFIX = "lti-frame-return:"


def new_frame_id() -> str:
    return secrets.token_urlsafe(24)


def valid_frame_id(value: str) -> str:
    """The frame id if well formed, else "" (never trusted further than a cache key)."""
    return value if _FRAME_RE.fullmatch(value or "") else ""


def hand_back(frame_id: str, *, action: str, jwt: str) -> None:
    cache.set(_PREFIX + frame_id, {"action": action, "jwt": jwt}, FRAME_TTL_S)


def take(frame_id: str) -> dict | None:
    """The parked response, once (a second poll finds nothing)."""
    if not valid_frame_id(frame_id):
        return None
    key = _PREFIX + frame_id
    parked = cache.get(key)
    if parked is not None:
        cache.delete(key)
    return parked
