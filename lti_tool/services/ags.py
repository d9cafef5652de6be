"""Assignment and Grade Services 2.0: line items, results, scores.

URLs come only from the course record (filled from verified launches) or from the line
item ids the LMS itself returned, and each is checked against the registration's hosts.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl, urlsplit

import requests

from lti_tool.outbound import discard
from lti_tool.platforms.base import (
    MEDIA_LINEITEM,
    MEDIA_LINEITEM_CONTAINER,
    MEDIA_RESULT_CONTAINER,
    MEDIA_SCORE,
)

from . import scopes
from .ags_stream import ResultStream, body_pieces
from .client import Pages, ServiceClient
from .errors import MalformedResponse, NotFound, Rejected

if TYPE_CHECKING:
    from lti_tool.models import Platform


def _list_of_dicts(body: object, url: str, *, what: str, required: str) -> list[dict[str, Any]]:
    if not isinstance(body, list) or not all(
        isinstance(item, dict) and isinstance(item.get(required), str | int) for item in body
    ):
        raise MalformedResponse(
            f"The LMS sent a {what} page of the wrong shape; it was rejected.", url=url
        )
    return body


def line_item_key(url: str) -> tuple[str, str, str, tuple[tuple[str, str], ...]]:
    """A line item URL as the LMS may spell it again: host case and query order ignored."""
    parts = urlsplit(html.unescape(url.strip()))
    query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), query


class AGSClient(ServiceClient):
    def __init__(
        self, *, platform: Platform, lineitems_url: str, granted_scopes: list[str] | None = None
    ):
        super().__init__(platform=platform)
        self.lineitems_url = lineitems_url
        self.granted_scopes = granted_scopes
        self.check_url(lineitems_url)

    # --- line items ----------------------------------------------------------------------
    def iter_line_item_pages(self) -> Pages[list[dict[str, Any]]]:
        return self.iter_pages(
            self.adapter.line_items_listing_url(self.lineitems_url),
            scope=scopes.read_lineitems_scope(self.granted_scopes),
            accept=MEDIA_LINEITEM_CONTAINER,
            extract=lambda body, url: _list_of_dicts(body, url, what="line item", required="id"),
        )

    def iter_line_items(self) -> Iterator[dict[str, Any]]:
        for page in self.iter_line_item_pages():
            yield from page

    def create_line_item(
        self,
        *,
        label: str,
        score_maximum: float,
        tag: str = "",
        resource_id: str = "",
        resource_link_id: str = "",
    ) -> dict[str, Any]:
        if not label or not score_maximum or score_maximum <= 0:
            raise ValueError("a line item needs a label and a positive scoreMaximum")
        body: dict[str, Any] = {"label": label, "scoreMaximum": score_maximum}
        if tag:
            body["tag"] = tag
        if resource_id:
            body["resourceId"] = resource_id
        if resource_link_id:
            body["resourceLinkId"] = resource_link_id
        response = self.call(
            "POST",
            self.lineitems_url,
            scope=scopes.LINEITEM,
            accept=MEDIA_LINEITEM,
            body=body,
            content_type=MEDIA_LINEITEM,
        )
        return self._line_item(response)

    def update_line_item(self, *, url: str, data: dict[str, Any]) -> dict[str, Any]:
        response = self.call(
            "PUT",
            url,
            scope=scopes.LINEITEM,
            accept=MEDIA_LINEITEM,
            body={**data, "id": url},
            content_type=MEDIA_LINEITEM,
        )
        return self._line_item(response)

    def _line_item(self, response: requests.Response) -> dict[str, Any]:
        body = self.json_of(response, url=response.url)
        if not isinstance(body, dict) or not isinstance(body.get("id"), str):
            raise MalformedResponse(
                "The LMS answered without the line item's id.", url=response.url
            )
        return body

    def get_line_item(self, *, url: str) -> dict[str, Any]:
        """One line item, read from its own URL (raises NotFound when the LMS says 404)."""
        response = self.call(
            "GET",
            url,
            scope=scopes.read_lineitems_scope(self.granted_scopes),
            accept=MEDIA_LINEITEM,
        )
        return self._line_item(response)

    def line_item_is_gone(self, *, url: str) -> bool:
        """Whether the LMS really deleted this line item: its own URL answers 404 AND the
        course's listing answers and no longer lists it. A 404 alone proves nothing (Moodle
        answers PHP errors as HTML 404s); any other failure is raised, never guessed at.
        """
        try:
            self.get_line_item(url=url)
            return False
        except NotFound:
            pass
        wanted = line_item_key(url)
        return not any(line_item_key(str(item["id"])) == wanted for item in self.iter_line_items())

    # --- results and scores -----------------------------------------------------------------
    def iter_result_pages(self, *, line_item_url: str) -> Pages[ResultStream]:
        """Every page of a line item's results (the first page alone is not the list), each
        read result by result as the caller reaches it (a Moodle column is one page)."""
        self.check_url(line_item_url)
        url = self.adapter.results_listing_url(self.adapter.sub_url(line_item_url, "results"))
        return self.iter_pages(
            url,
            scope=scopes.RESULT_READONLY,
            accept=MEDIA_RESULT_CONTAINER,
            extract=lambda stream, u: cast(ResultStream, stream),
            read=self._result_stream,
            stream=True,  # a Moodle column's body is megabytes: read as it arrives
        )

    def _result_stream(self, response: requests.Response, url: str) -> ResultStream:
        try:
            seen = self.not_html(response, url=url)  # by the body's first chunk
        except MalformedResponse:
            discard(response)
            raise
        return ResultStream(body_pieces(response, url=url), url=url, seen=dict(seen))

    def post_score(
        self,
        *,
        line_item_url: str,
        user_id: str,
        score_given: float | None,
        score_maximum: float | None,
        comment: str = "",
        activity_progress: str = "Completed",
        grading_progress: str = "FullyGraded",
    ) -> None:
        """Post a score; with `score_given` None the LMS erases the learner's grade (Moodle
        and Canvas both treat a score without `scoreGiven` so)."""
        self.check_url(line_item_url)
        url = self.adapter.sub_url(line_item_url, "scores")
        for attempt in range(2):
            payload: dict[str, Any] = {
                "userId": str(user_id),
                "activityProgress": activity_progress,
                "gradingProgress": grading_progress,
                "timestamp": datetime.now(UTC).isoformat(timespec="microseconds"),
            }
            if score_given is not None:
                payload["scoreGiven"] = score_given
                payload["scoreMaximum"] = score_maximum
            if comment:
                payload["comment"] = comment
            try:
                self.call(
                    "POST",
                    url,
                    scope=scopes.SCORE,
                    body=self.adapter.score_payload(payload),
                    content_type=MEDIA_SCORE,
                )
                return
            except Rejected as exc:
                wait = self.adapter.score_conflict_wait(exc.status or 0)
                if wait is None or attempt:
                    raise
                time.sleep(wait)
