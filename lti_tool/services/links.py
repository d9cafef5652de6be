"""`Link` header parsing and the rules a `next` link must obey.

Tolerant of what LMSs really send: `rel=next` unquoted, `rel="next"`, several relations in
one value, typographic quotes (Moodle), no space after the commas (Canvas). URLs are kept
exactly as sent: their case matters to the LMS.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .errors import UntrustedURL

# One link-value: <url> followed by parameters up to the next "<" that starts a link.
_LINK = re.compile(r"<([^>]*)>([^<]*)")
_REL = re.compile(r"""\brel\s*=\s*([^;]*)""", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9.\-]*")


def parse_link_header(value: str | None) -> dict[str, str]:
    """Map each relation (lowercased) to its URL, first occurrence winning."""
    links: dict[str, str] = {}
    if not value:
        return links
    for url, params in _LINK.findall(value):
        match = _REL.search(params)
        if not match:
            continue
        # Keep only ASCII words: strips any kind of quote, even mis-decoded typographic ones.
        for rel in _TOKEN.findall(match.group(1)):
            links.setdefault(rel.lower(), url.strip())
    return links


def origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def check_next_link(*, next_url: str, request_url: str) -> None:
    """A `next` link must stay on the scheme and host of the request that returned it."""
    if origin(next_url) != origin(request_url) or not next_url.lower().startswith(
        ("http://", "https://")
    ):
        raise UntrustedURL(
            "The LMS sent a next-page link to another host; the listing was stopped.",
            url=request_url,
        )


def check_service_url(*, url: str, allowed_hosts: set[str]) -> None:
    """A service URL must be http(s) and on one of the platform's hosts."""
    parts = urlsplit(url or "")
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise UntrustedURL("A service URL is missing or is not an http(s) URL.", url=url)
    if parts.netloc.lower() not in allowed_hosts:
        raise UntrustedURL(
            f"The service URL's host {parts.netloc!r} is not one of this registration's hosts.",
            url=url,
        )
