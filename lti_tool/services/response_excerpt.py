"""The first bytes of an LMS's answer, fit to be stored and shown to an instructor.

When the LMS answers something the tool cannot use (an HTML error page where JSON was
expected, an unexpected 404), its first few hundred characters are what lets a person tell
a PHP error from a deleted column. They are stored in the sync run and shown on the
dashboard, so anything that looks like a credential is blanked out first.
"""

from __future__ import annotations

import html
import re

import requests

MAX_CHARS = 300
TEXT_CHARS = 200
_READ_BYTES = 16384

# name=value / "name": "value" / Bearer value, for names that carry secrets.
_NAMED_SECRET = re.compile(
    r"""(?ix)\b(access_token|refresh_token|id_token|token|sesskey|secret|password|passwd|
    client_assertion|assertion|authorization|bearer|api_key|apikey|key)\b
    (\s*["']?\s*[:=]\s*["']?\s*|\s+)
    ([^\s"'&<>,;]+)"""
)
_JWT = re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*")
# Long unbroken runs of letters and digits (tokens, keys, session ids) carry no meaning here.
_OPAQUE = re.compile(r"[A-Za-z0-9_\-+/]{32,}={0,2}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACE = re.compile(r"\s+")
_HTML_START = re.compile(r"^\s*<(!doctype html|html|head|body)", re.IGNORECASE)
_INVISIBLE = re.compile(r"(?is)<(head|script|style|noscript)\b.*?</\1\s*>")
_TAG = re.compile(r"(?s)<[^>]*>")


def sanitize(text: str, *, limit: int = MAX_CHARS) -> str:
    """One line, no control characters, secrets blanked, at most `limit` characters."""
    text = _CONTROL.sub(" ", text)
    text = _JWT.sub("[redacted]", text)
    text = _NAMED_SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    text = _OPAQUE.sub("[redacted]", text)
    text = _SPACE.sub(" ", text).strip()
    return text[:limit] + ("…" if len(text) > limit else "")


def page_text(markup: str) -> str:
    """The words a person would read on an HTML page (its head, scripts and tags dropped)."""
    return html.unescape(_TAG.sub(" ", _INVISIBLE.sub(" ", markup)))


def excerpt(response: requests.Response, *, limit: int = MAX_CHARS) -> str:
    """The sanitised start of a response's body ('' when it has none). For an HTML page,
    whose first bytes are mostly <head>, the start of its visible text is added: that is
    where an LMS's error page says what went wrong."""
    try:
        raw = response.content[:_READ_BYTES]
    except (requests.RequestException, RuntimeError):
        return ""
    if not raw:
        return ""
    text = raw.decode(response.encoding or "utf-8", errors="replace")
    head = sanitize(text, limit=limit)
    if not _HTML_START.match(text):
        return head
    words = sanitize(page_text(text), limit=TEXT_CHARS)
    return f"{head} [page text: {words}]" if words else head


def media_type(response: requests.Response) -> str:
    """The response's media type without parameters, lowercased ('' when absent)."""
    return (response.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
