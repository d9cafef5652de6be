"""Distinct failures of the LMS services, so callers can react to each one.

Every message is written for a person (an instructor or an administrator) and never
contains a token or a key.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A call to an LMS service failed; `status` and `url` say where, when known."""

    def __init__(self, message: str, *, status: int | None = None, url: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.url = url

    def __str__(self) -> str:
        return self.message


class Throttled(ServiceError):
    """The LMS kept refusing for rate reasons after the bounded retries."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class Unavailable(ServiceError):
    """5xx answers or timeouts persisted through the bounded retries."""


class CourseConcluded(ServiceError):
    """The LMS no longer accepts grade calls for this course (Canvas 422, or 404)."""


class NotFound(ServiceError):
    """404: the resource (a line item, a course) is not there (any more)."""


class AuthFailed(ServiceError):
    """401/403 after a fresh token, or the token endpoint refused the tool."""


class InvalidScope(AuthFailed):
    """The registration lacks a scope the call needs; `scope` names it."""

    def __init__(self, message: str, *, scope: str, **kw) -> None:
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
