"""What the AGS and NRPS clients share: authorised calls, error mapping, paging.

A 401 gets one fresh token and one retry; a second 401/403 flags the registration.
Pages are fetched one at a time (a generator), so a caller can process and forget each.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

import requests
from django.conf import settings

from lti_tool.platforms import get_adapter

from .errors import (
    AuthFailed,
    CourseConcluded,
    MalformedResponse,
    NotFound,
    PaginationLoop,
    Rejected,
)
from .links import check_next_link, check_service_url, parse_link_header
from .registration_health import flag_registration
from .response_excerpt import excerpt, media_type, sanitize
from .tokens import forget_access_token, get_access_token
from .transport import send

if TYPE_CHECKING:
    from lti_tool.models import Platform

log = logging.getLogger(__name__)
_Item = TypeVar("_Item")
_Page = TypeVar("_Page")


class _Answer(TypedDict):
    """What the LMS answered, as a ServiceError carries it."""

    status: int
    content_type: str
    excerpt: str


class ServiceClient:
    def __init__(self, *, platform: Platform) -> None:
        self.platform = platform
        self.adapter = get_adapter(platform)
        self.allowed_hosts = self.adapter.allowed_hosts()

    def check_url(self, url: str) -> None:
        check_service_url(url=url, allowed_hosts=self.allowed_hosts)

    def call(
        self,
        method: str,
        url: str,
        *,
        scope: str,
        accept: str | None = None,
        body: dict[str, Any] | None = None,
        content_type: str | None = None,
        first_response: Future[requests.Response] | None = None,
        stream: bool = False,
    ) -> requests.Response:
        """An authorised call; returns a 2xx response or raises a ServiceError subclass.

        `first_response` is the same GET already sent by the prefetcher (see iter_pages).
        With `stream`, a 2xx answer's body is handed out as it arrives
        (`lti_tool.outbound.streamed_body`).
        """
        self.check_url(url)
        headers = {}
        if accept:
            headers["Accept"] = self.adapter.accept(accept)
        data = None
        if body is not None:
            headers["Content-Type"] = content_type or "application/json"
            data = json.dumps(body).encode()
        for fresh in (False, True):
            if first_response is not None and not fresh:
                response = first_response.result()
            else:
                token = get_access_token(platform=self.platform, scopes=[scope])
                response = self._send(
                    method, url, token=token, headers=headers, data=data, stream=stream
                )
            if response.status_code == 401 and not fresh:
                # Expired or revoked token: one fresh token, one retry.
                forget_access_token(platform=self.platform, scopes=[scope])
                continue
            break
        self.raise_for_status(response, url=url)
        return response

    def _send(
        self,
        method: str,
        url: str,
        *,
        token: str,
        headers: dict[str, str],
        data: bytes | None = None,
        stream: bool = False,
    ) -> requests.Response:
        """Only HTTP (no database, no cache): safe to run in the prefetch thread."""
        return send(
            method,
            url,
            adapter=self.adapter,
            headers={**headers, "Authorization": f"Bearer {token}"},
            data=data,
            stream=stream,
        )

    def raise_for_status(self, response: requests.Response, *, url: str) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        # Every refusal carries what the LMS answered (sanitised), for the run's log.
        seen = {"content_type": media_type(response), "excerpt": excerpt(response)}
        if self.adapter.is_course_concluded(response):
            raise CourseConcluded(
                "The course has concluded in the LMS: it no longer answers grade requests.",
                status=status,
                url=url,
                **seen,
            )
        if status in (401, 403):
            message = (
                f"The LMS refused the tool's access (HTTP {status}) even with a fresh token. "
                "An administrator must check the registration and its scopes."
            )
            flag_registration(platform=self.platform, reason=message)
            raise AuthFailed(message, status=status, url=url, **seen)
        if status == 404:
            # Not proof of a deletion (Moodle answers a PHP error as an HTML 404): the
            # caller confirms before concluding anything.
            raise NotFound(
                f"The LMS answered HTTP 404 ({seen['content_type'] or 'no media type'}).",
                status=status,
                url=url,
                **seen,
            )
        raise Rejected(
            f"The LMS refused the request (HTTP {status}): {_lms_words(response)}",
            status=status,
            url=url,
            **seen,
        )

    def not_html(self, response: requests.Response, *, url: str) -> _Answer:
        """What the LMS answered (for an error), once sure it is not an HTML page."""
        seen: _Answer = {
            "status": response.status_code,
            "content_type": media_type(response),
            "excerpt": excerpt(response),
        }
        if _looks_like_html(response):
            # An error page served with 200 (a proxy, a login page, a PHP notice).
            raise MalformedResponse(
                "The LMS sent an HTML page where JSON was expected; it was rejected.",
                url=url,
                **seen,
            )
        return seen

    def json_of(self, response: requests.Response, *, url: str) -> object:
        seen = self.not_html(response, url=url)
        try:
            return self.adapter.parse_json(response)
        except ValueError as exc:
            log.warning("malformed JSON from %s: %s", url, exc)
            raise MalformedResponse(
                "The LMS sent a page that is not valid JSON; it was rejected.", url=url, **seen
            ) from exc

    def iter_pages(
        self,
        url: str,
        *,
        scope: str,
        accept: str,
        extract: Callable[[object, str], _Page],
        read: Callable[[requests.Response, str], object] | None = None,
        stream: bool = False,
    ) -> Pages[_Page]:
        """Follow `Link: rel=next` page by page; `extract` turns a body into its items.
        `read` turns an answer into that body (default: its JSON, `json_of`); with
        `stream`, `read` is handed the answer with its body still arriving
        (`lti_tool.outbound.streamed_body`) and must read it as the items are used.

        The first page is asked for now, in the listing's download thread, not when the
        caller first reads: a sync opening several listings has them all downloading while
        it stores another's page (Moodle sends a column's results as one page, so without
        this each column was downloaded, then stored, one after the other). While the caller
        parses and stores one page, the next one is already being downloaded (one thread,
        at most two pages in memory): the sync then takes about as long as the slower of
        downloading and storing, not their sum.
        """
        self.check_url(url)
        prefetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lms-prefetch")
        try:
            first = self._prefetch(prefetcher, url, scope=scope, accept=accept, stream=stream)
        except BaseException:
            prefetcher.shutdown(wait=False, cancel_futures=True)
            raise
        follow = self._follow(
            url,
            scope=scope,
            accept=accept,
            extract=extract,
            read=read or (lambda response, url: self.json_of(response, url=url)),
            prefetcher=prefetcher,
            first=first,
            stream=stream,
        )
        return Pages(follow, prefetcher)

    def _prefetch(
        self,
        prefetcher: ThreadPoolExecutor,
        url: str,
        *,
        scope: str,
        accept: str,
        stream: bool = False,
    ) -> Future[requests.Response]:
        # The token is read here (cache, database); the thread only sends.
        token = get_access_token(platform=self.platform, scopes=[scope])
        return prefetcher.submit(
            self._send,
            "GET",
            url,
            token=token,
            headers={"Accept": self.adapter.accept(accept)},
            stream=stream,
        )

    def _follow(
        self,
        url: str,
        *,
        scope: str,
        accept: str,
        extract: Callable[[object, str], _Page],
        read: Callable[[requests.Response, str], object],
        prefetcher: ThreadPoolExecutor,
        first: Future[requests.Response],
        stream: bool,
    ) -> Generator[tuple[_Page, bool], None, None]:
        """Each page's items, and whether it is the listing's last page."""
        max_pages = int(getattr(settings, "LTI_SERVICE_MAX_PAGES", 20000))
        seen: set[str] = set()
        pending: Future[requests.Response] | None = first
        try:
            while url:
                if url in seen:
                    raise PaginationLoop(
                        "The LMS sent a next-page link it had already sent (a loop); "
                        "listing stopped.",
                        url=url,
                    )
                if len(seen) >= max_pages:
                    raise PaginationLoop(
                        f"The LMS kept sending next pages (more than {max_pages}); "
                        "listing stopped.",
                        url=url,
                    )
                seen.add(url)
                response = self.call(
                    "GET", url, scope=scope, accept=accept, first_response=pending, stream=stream
                )
                pending = None
                # The next page is asked for before this one is parsed: the LMS renders it
                # while this process reads and stores the current one.
                next_url = parse_link_header(response.headers.get("Link")).get("next")
                if next_url:
                    next_url = self.adapter.clean_link_url(next_url)
                    check_next_link(next_url=next_url, request_url=url)
                    if next_url not in seen and len(seen) < max_pages:
                        self.check_url(next_url)
                        pending = self._prefetch(
                            prefetcher, next_url, scope=scope, accept=accept, stream=stream
                        )
                items = extract(read(response, url), url)
                # Not kept while the caller stores the items: a Moodle column's body is
                # megabytes, and the next one may be arriving meanwhile (a result page keeps
                # only its text, read as it is stored: lti_tool.services.ags_stream).
                del response
                url = next_url or ""
                yield items, not url
        finally:
            if pending is not None:
                pending.cancel()
            prefetcher.shutdown(wait=True, cancel_futures=True)


class Pages(Iterator[_Item]):
    """A listing's pages (a generator) and its download thread, which `close` stops even
    when no page was read (closing a generator that never ran skips its `finally`).
    `finished` tells, once the last page is read, that the listing will ask for no more:
    a caller reading several listings can start the next one then, not a page later."""

    def __init__(
        self, pages: Generator[tuple[_Item, bool], None, None], prefetcher: ThreadPoolExecutor
    ):
        self._pages = pages
        self._prefetcher = prefetcher
        self.finished = False

    def __next__(self) -> _Item:
        page, self.finished = next(self._pages)
        return page

    def close(self) -> None:
        self._pages.close()
        self._prefetcher.shutdown(wait=True, cancel_futures=True)


def _looks_like_html(response: requests.Response) -> bool:
    # By the body, not the Content-Type: Moodle labels its JSON token answers text/html.
    head = response.content[:64].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body"))


def _lms_words(response: requests.Response) -> str:
    """A short, safe summary of the LMS's error body, for people."""
    try:
        body = response.json()
    except ValueError:
        return sanitize(response.text[:400], limit=200) or response.reason or ""
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, dict):
            return str(errors.get("message", ""))[:200]
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("message", ""))[:200]
        return str(body.get("reason") or body.get("error_description") or body.get("error") or "")[
            :200
        ]
    return ""
