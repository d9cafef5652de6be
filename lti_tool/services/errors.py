"""Distinct failures of the LMS services, so callers can react to each one.

Every message is written for a person (an instructor or an administrator) and never
contains a token or a key.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A call to an LMS service failed; `status` and `url` say where, when known."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        url: str = "",
        content_type: str = "",
        excerpt: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.url = url
        # What the LMS answered: its media type and the sanitised start of its body.
        self.content_type = content_type
        self.excerpt = excerpt

    def __str__(self) -> str:
        return self.message

    def evidence(self) -> str:
        """What the LMS answered, for the run's log: status, media type, first bytes."""
        parts = []
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.content_type:
            parts.append(self.content_type)
        head = ", ".join(parts) or "no answer"
        # Service URLs carry ids and paging (`limit` matters: see NotFound), never a token.
        where = f" from {self.url}" if self.url else ""
        body = f"; the body starts: {self.excerpt}" if self.excerpt else ""
        return f"{head}{where}{body}"


class Throttled(ServiceError):
    """The LMS kept refusing for rate reasons after the bounded retries."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class Unavailable(ServiceError):
    """5xx answers or timeouts persisted through the bounded retries."""


class CourseConcluded(ServiceError):
    """The LMS no longer accepts grade calls for this course (Canvas 422, or 404)."""


class NotFound(ServiceError):
    """404. Not proof that the resource is gone: Moodle 4.5 answers a PHP error as an HTML
    404 (results asked with `limit`), so a caller confirms before it concludes anything."""


class Unexplained(ServiceError):
    """An answer the tool cannot account for (a 404 on a line item that still exists...):
    the sync stops loudly with the evidence instead of guessing."""


class AuthFailed(ServiceError):
    """401/403 after a fresh token, or the token endpoint refused the tool."""


class InvalidScope(AuthFailed):
    """The registration lacks a scope the call needs; `scope` names it."""

    def __init__(self, message: str, *, scope: str, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.scope = scope


class MalformedResponse(ServiceError):
    """Not JSON, or JSON of the wrong shape: the page is rejected."""


class PaginationLoop(ServiceError):
    """A `next` link seen before, or more pages than any course could have."""


class UntrustedURL(ServiceError):
    """A service URL (or a `next` link) on a host that does not belong to the platform."""


class Rejected(ServiceError):
    """Any other 4xx answer (bad request, conflict...) with the LMS's own words."""
