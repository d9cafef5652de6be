"""A request id on every request, its log lines and its answer.

An `X-Request-ID` from the proxy (nginx's `$request_id`, a load balancer's) is kept when it
looks like an id: 8 to 128 letters, digits and `-_.:`. Anything else (absent, too long,
spaces, quotes, a newline that would forge a log line) is replaced by a fresh one, so what
reaches the logs and the response header is always a plain token. The id goes back to the
client as `X-Request-ID`, so a user's "it failed" can be matched to the lines that say why.

The id is bound (config.log_context) when Django starts handling the request
(`request_started`) and unbound when the answer is closed (`request_finished`), so Django's
own lines written after the middleware ("Not Found: ...", a 500's traceback) carry it too.
`LaunchLogContextMiddleware` (after lti_tool's LaunchMiddleware) adds the platform and course
of the request's launch for the same span. Each request ends with one log line: method, path
(never the query string, which may carry a launch token), status and duration.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished, request_started
from django.http import HttpRequest, HttpResponse

from .log_context import Bound, bind, current, unbind

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._:-]{8,128}")
log = logging.getLogger("credbridge.request")
# What this request bound, undone when its answer is closed.
_open: ContextVar[Bound | None] = ContextVar("credbridge_request_bound", default=None)


def request_id_from(value: str | None) -> str:
    """The incoming id if it is sane, else a new one."""
    if value and _SANE.fullmatch(value):
        return value
    return uuid.uuid4().hex


def _started(sender: Any, environ: dict | None = None, **_: Any) -> None:
    incoming = (environ or {}).get("HTTP_X_REQUEST_ID")
    _open.set(bind(request_id=request_id_from(incoming)))


def _finished(sender: Any, **_: Any) -> None:
    tokens = _open.get()
    if tokens is not None:
        _open.set(None)
        unbind(tokens)


request_started.connect(_started, dispatch_uid="credbridge-request-id-start")
request_finished.connect(_finished, dispatch_uid="credbridge-request-id-finish")


def _bind_for_request(**values: object) -> Bound:
    """Bind for the rest of the request: until its answer is closed when the request was
    started through Django's handler, else (returned) for the caller to undo."""
    tokens = bind(**values)
    open_tokens = _open.get()
    if open_tokens is None:
        return tokens
    open_tokens.extend(tokens)
    return []


def bind_for_request(**values: object) -> None:
    """Name ids learnt while handling a request (a launch just verified: its platform and
    course) on the rest of its log lines. Outside a request it does nothing."""
    if _open.get() is not None:
        _bind_for_request(**values)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = current().get("request_id") if _open.get() is not None else None
        own: Bound = []
        if not isinstance(request_id, str):
            request_id = request_id_from(request.headers.get(HEADER))
            own = _bind_for_request(request_id=request_id)
        # Set on every request by this middleware; HttpRequest does not declare it.
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            unbind(own)


class LaunchLogContextMiddleware:
    """The platform and course of the request's LTI launch, for its log lines."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        launch = getattr(request, "lti_launch", None)
        own = _bind_for_request(
            platform_id=getattr(launch, "platform_id", None),
            course_id=getattr(launch, "course_id", None),
        )
        try:
            return self.get_response(request)
        finally:
            unbind(own)
