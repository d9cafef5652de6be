"""getCredentials paging (OB 3.0 §6.2.2, §6.4): limit/offset/since parsed, and the Link
header's first/last/next/prev relations. Pure: plain values in and out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.utils.dateparse import parse_datetime

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class PagingError(ValueError):
    """A query parameter is not what the specification allows; the message says which."""


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int
    since: datetime | None
    since_text: str | None


def _integer(value: str | None, name: str, *, minimum: int) -> int | None:
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise PagingError(f"{name} must be a whole number.")
    number = int(value)
    if number < minimum:
        raise PagingError(f"{name} must be at least {minimum}.")
    return number


def parse_page(params: dict[str, str]) -> Page:
    limit = _integer(params.get("limit"), "limit", minimum=1)
    offset = _integer(params.get("offset"), "offset", minimum=0)
    since_text = params.get("since")
    since = None
    if since_text is not None:
        try:
            since = parse_datetime(since_text)
        except ValueError:
            since = None
        if since is None or since.tzinfo is None:
            raise PagingError("since must be a date-time with a time zone (RFC 3339).")
    return Page(min(limit or DEFAULT_LIMIT, MAX_LIMIT), offset or 0, since, since_text)


def link_header(base_url: str, page: Page, total: int) -> str:
    """first and last always; next while more follow; prev when the offset is past zero."""

    def url(offset: int) -> str:
        query: dict[str, object] = {"limit": page.limit, "offset": offset}
        if page.since_text is not None:
            query["since"] = page.since_text
        return f"<{base_url}?{urlencode(query)}>"

    last = max(0, (total - 1) // page.limit * page.limit) if total else 0
    links = []
    if page.offset + page.limit < total:
        links.append(f'{url(page.offset + page.limit)}; rel="next"')
    links.append(f'{url(last)}; rel="last"')
    links.append(f'{url(0)}; rel="first"')
    if page.offset > 0:
        links.append(f'{url(max(0, page.offset - page.limit))}; rel="prev"')
    return ", ".join(links)
