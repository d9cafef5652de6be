"""The one interface behind which each LMS keeps its quirks.

Service clients and the sync ask the adapter; nothing else looks at `Platform.flavour`.
The base class is the LTI Advantage specification as written; subclasses override only
what their LMS does differently.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"

MEDIA_LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
MEDIA_LINEITEM_CONTAINER = "application/vnd.ims.lis.v2.lineitemcontainer+json"
MEDIA_RESULT_CONTAINER = "application/vnd.ims.lis.v2.resultcontainer+json"
MEDIA_SCORE = "application/vnd.ims.lis.v1.score+json"
MEDIA_MEMBERSHIP_CONTAINER = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


class PlatformAdapter:
    flavour = "generic"
    # Page size asked of results/line item containers (the LMS may cap it lower).
    page_size = 1000
    # Page size asked of the NRPS roster: without `limit`, Moodle sends the whole roster in
    # one response and Canvas pages at its own default.
    roster_page_size = 1000

    def __init__(self, platform) -> None:
        self.platform = platform

    # --- trust -------------------------------------------------------------------------
    def allowed_hosts(self) -> set[str]:
        """Hosts (netloc, lowercased) whose service URLs we accept for this registration:
        the registration's explicit service hosts plus the hosts of its own URLs."""
        return set(self.platform.allowed_service_hosts())

    # --- URLs --------------------------------------------------------------------------
    def sub_url(self, line_item_url: str, suffix: str) -> str:
        """`/results` or `/scores` of a line item: into the path, before any query."""
        parts = urlsplit(line_item_url)
        path = parts.path.rstrip("/") + "/" + suffix
        return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))

    def with_page_size(self, url: str, *, size: int | None = None) -> str:
        """Ask for large pages (`size`, else `page_size`) unless the URL already says how many."""
        parts = urlsplit(url)
        if re.search(r"(^|&)(limit|per_page)=", parts.query):
            return url
        size = int(getattr(settings, "LTI_SERVICE_PAGE_SIZE", 0) or size or self.page_size)
        query = (parts.query + "&" if parts.query else "") + f"limit={size}"
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))

    def results_listing_url(self, results_url: str) -> str:
        """The URL a line item's results are read from, paging asked as the LMS allows."""
        return self.with_page_size(results_url)

    def clean_link_url(self, url: str) -> str:
        """A URL as found in a `Link` header; the case of every character is kept."""
        return url.strip()

    # --- media types ---------------------------------------------------------------------
    def accept(self, media_type: str) -> str:
        return media_type

    # --- throttling and errors -------------------------------------------------------------
    def is_throttled(self, response: requests.Response) -> bool:
        return response.status_code == 429

    def retry_delay(self, response: requests.Response) -> float | None:
        """Seconds the LMS asks us to wait, from `Retry-After` (seconds or HTTP date)."""
        value = response.headers.get("Retry-After")
        if not value:
            return None
        value = value.strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())

    def is_course_concluded(self, response: requests.Response) -> bool:
        """An answer that means the course is closed for grade calls."""
        return False

    def not_found_means_concluded(
        self, *, end_date: datetime | None, answered_before: bool
    ) -> bool:
        """Whether a 404 from a known-good course endpoint means the course concluded."""
        return False

    # --- payloads ---------------------------------------------------------------------------
    def score_payload(self, payload: dict) -> dict:
        return payload

    def score_conflict_wait(self, status: int) -> float | None:
        """Seconds to wait before re-posting a score the LMS refused (None: do not retry)."""
        return None

    def normalize_role(self, role: str) -> str:
        """A role as a full LIS URI (NRPS may use short names)."""
        return role

    def member_is_active(self, member: dict) -> bool:
        return str(member.get("status", "Active")).lower() == "active"

    def parse_json(self, response: requests.Response):
        """The JSON body; the content type is not trusted to say so (Moodle says text/html)."""
        return response.json()


def unescape_entities(url: str) -> str:
    return html.unescape(url)
