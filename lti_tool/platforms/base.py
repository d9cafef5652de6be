"""The one interface behind which each LMS keeps its quirks.

Registration, the tool configuration we send, the roster, AGS paging, throttling and the
score payload ask the adapter; nothing outside `lti_tool/platforms/` compares a platform's
flavour or product family. The base class is the LTI Advantage specification as written
(and what an unknown platform gets); `moodle.py` and `canvas.py` override only what their
LMS does differently, each override citing the LMS source or capture that shows it
(`docs/architecture.md`, "Where each LMS quirk lives", lists them all).

An adapter is built for a registered platform (`get_adapter(platform)`) or, during Dynamic
Registration before any platform exists, for an openid-configuration
(`adapter_for_configuration(config)`); then `self.platform` is None and only the
registration methods may be used.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings

from ..tool_configuration import TOOL_CONFIG
from .rate_limit import RateGauge, RateReading

if TYPE_CHECKING:  # for type hints only: the adapters use no model at run time
    from ..models import Platform

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"

MEDIA_LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
MEDIA_LINEITEM_CONTAINER = "application/vnd.ims.lis.v2.lineitemcontainer+json"
MEDIA_RESULT_CONTAINER = "application/vnd.ims.lis.v2.resultcontainer+json"
MEDIA_SCORE = "application/vnd.ims.lis.v1.score+json"
MEDIA_MEMBERSHIP_CONTAINER = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


class PlatformAdapter:
    # The product family (`product_family_code`) this adapter speaks for; stored on the
    # registration as `Platform.flavour`.
    flavour = "generic"
    # Page size asked of results/line item containers (the LMS may cap it lower).
    page_size = 1000
    # Page size asked of the NRPS roster (the LMS may cap it lower).
    roster_page_size = 1000
    # Issuers shared by many independent installations (one cloud, many schools): for these
    # the registering school's own host may vouch for the openid-configuration.
    shared_issuers: frozenset[str] = frozenset()

    def __init__(self, platform: Platform | None = None) -> None:
        self._platform = platform
        # What this client's answers said about its budget (shared by a sync's threads).
        self.rate = RateGauge()

    @property
    def platform(self) -> Platform:
        """The registration this adapter serves (service calls need one)."""
        if self._platform is None:
            raise RuntimeError("this adapter was made for a registration still in progress")
        return self._platform

    # --- registration (Dynamic Registration and manual) -------------------------------------
    @classmethod
    def registration_token_refusal(cls, registration_token: str) -> str:
        """Why a registration under this token must stop before anything is read or sent,
        in words for the LMS administrator; "" to go on. Asked of every adapter, before the
        platform's family is known (its configuration is not read yet)."""
        return ""

    def account_name(self, platform_config: dict[str, Any]) -> str:
        """The name the LMS gives its own installation in its openid-configuration, offered
        to the administrator as the platform's name; "" when the LMS names none."""
        return ""

    def registration_tool_configuration(self, tool_config: dict[str, Any]) -> dict[str, Any]:
        """Our `lti-tool-configuration` as this LMS reads it. `tool_config` holds the
        specification's fields, with one message per type and no placements. The spec's
        own placement vocabulary: the deep-linking message in `ContentArea`."""
        messages = [dict(m) for m in tool_config.get("messages", [])]
        for message in messages:
            if message.get("type") == "LtiDeepLinkingRequest":
                message["placements"] = ["ContentArea"]
        return {**tool_config, "messages": messages}

    def registration_deployment_id(self, answer: dict[str, Any]) -> str:
        """The deployment the platform created with the registration, or "" (the first
        launch then brings it). The specification puts it in the answer's tool
        configuration."""
        tool = answer.get(TOOL_CONFIG)
        return id_text(tool.get("deployment_id") if isinstance(tool, dict) else None)

    def manual_configuration(self, *, base_url: str) -> dict[str, Any] | None:
        """The document an administrator pastes (or points) this LMS at to register the tool
        by hand, or None where the LMS has no such document (a form, as in Moodle)."""
        return None

    # --- trust -------------------------------------------------------------------------
    def allowed_hosts(self) -> set[str]:
        """Hosts (netloc, lowercased) whose service URLs we accept for this registration:
        the registration's explicit service hosts plus the hosts of its own URLs."""
        return set(self.platform.allowed_service_hosts())

    # --- URLs and paging -----------------------------------------------------------------
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

    def line_items_listing_url(self, lineitems_url: str) -> str:
        """The URL a course's line items are read from, paging asked as the LMS allows."""
        return self.with_page_size(lineitems_url)

    def results_listing_url(self, results_url: str) -> str:
        """The URL a line item's results are read from, paging asked as the LMS allows."""
        return self.with_page_size(results_url)

    def roster_listing_url(self, memberships_url: str) -> str:
        """The URL the NRPS roster is read from, paging asked as the LMS allows."""
        return self.with_page_size(memberships_url, size=self.roster_page_size)

    def clean_link_url(self, url: str) -> str:
        """A URL as found in a `Link` header; the case of every character is kept."""
        return url.strip()

    # --- media types ---------------------------------------------------------------------
    def accept(self, media_type: str) -> str:
        """The `Accept` header for a service call: the exact IMS media type."""
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

    def rate_reading(self, response: requests.Response) -> RateReading | None:
        """What an answer says about this tool's remaining request budget; the specification
        defines no such header, so None."""
        return None

    def sync_width(self, *, configured: int) -> int:
        """How many result listings a sync downloads at once, asked before each page: the
        configured width (SYNC_PARALLEL_LINE_ITEMS), fixed, for an LMS that reports no budget.
        """
        return max(1, configured)

    def is_course_concluded(self, response: requests.Response) -> bool:
        """An answer that means the course is closed for grade calls."""
        return False

    def not_found_means_concluded(
        self, *, end_date: datetime | None, answered_before: bool
    ) -> bool:
        """Whether a 404 from a known-good course endpoint means the course concluded."""
        return False

    # --- payloads ---------------------------------------------------------------------------
    def score_payload(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The score POSTed to `/scores`, with this LMS's extensions."""
        return payload

    def score_conflict_wait(self, status: int) -> float | None:
        """Seconds to wait before re-posting a score the LMS refused (None: do not retry)."""
        return None

    def parse_json(self, response: requests.Response) -> Any:
        """The JSON body; the content type is not trusted to say so (Moodle says text/html)."""
        return response.json()

    # --- people -------------------------------------------------------------------------------
    def normalize_role(self, role: str) -> str:
        """A role as a full LIS URI (NRPS may use short names)."""
        return role

    def member_is_active(self, member: dict[str, Any]) -> bool:
        """Whether an NRPS member is currently enrolled (NRPS 2.0 `status`, default Active)."""
        return str(member.get("status", "Active")).lower() == "active"

    def substituted(self, value: object) -> str:
        """A value the LMS fills by variable substitution (lis person_sourcedid, custom
        parameters), or "" when the LMS sent the variable itself because it had no value."""
        return "" if value is None else str(value)

    def roster_member(self, member: dict[str, Any]) -> dict[str, Any]:
        """One NRPS member as the roster stores it: roles as full LIS URIs, `active`
        decided by the LMS's rule, unfilled variables dropped."""
        return {
            **member,
            "roles": [self.normalize_role(str(r)) for r in (member.get("roles") or [])],
            "active": self.member_is_active(member),
            "lis_person_sourcedid": self.substituted(member.get("lis_person_sourcedid")),
        }


def id_text(value: object) -> str:
    """An id from a JSON answer as stored text ("" when absent or not a string/number)."""
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        return ""
    return str(value)[:255]
