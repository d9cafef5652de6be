"""A refused launch: a clear page with the reason, a 4xx status and a log line.

400 for a malformed request, 401 when the token cannot be authenticated (signature, key,
algorithm, time), 403 when an authenticated request is not allowed (wrong audience,
unregistered deployment, replayed nonce, state not bound to this browser).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext

logger = logging.getLogger("credbridge.lti")


class LaunchRefused(Exception):
    """`reason` is an English sentence marked with gettext_noop, with `%(name)s` places
    filled from `params`: the log keeps the English (`reason`), the page shows it in the
    person's language (`shown_reason`)."""

    def __init__(
        self,
        status: int,
        code: str,
        reason: str,
        *,
        retry_url: str = "",
        detail: str = "",
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.params = dict(params or {})
        self.template = reason
        self.reason = reason % self.params if self.params else reason
        super().__init__(f"{code}: {self.reason}")
        self.status = status
        self.code = code
        self.retry_url = retry_url
        self.detail = detail  # for the log only (never secrets, never the token)

    @property
    def shown_reason(self) -> str:
        translated = gettext(self.template)
        return translated % self.params if self.params else translated


def malformed(code: str, reason: str, **kw: Any) -> LaunchRefused:
    return LaunchRefused(400, code, reason, **kw)


def unauthenticated(code: str, reason: str, **kw: Any) -> LaunchRefused:
    return LaunchRefused(401, code, reason, **kw)


def forbidden(code: str, reason: str, **kw: Any) -> LaunchRefused:
    return LaunchRefused(403, code, reason, **kw)


def refusal_response(request: HttpRequest, exc: LaunchRefused) -> HttpResponse:
    logger.warning(
        "LTI refused %s %s: %s %s%s",
        request.method,
        request.path,
        exc.code,
        exc.reason,
        f" ({exc.detail})" if exc.detail else "",
    )
    html = render_to_string(
        "lti_tool/refusal.html",
        {
            "code": exc.code,
            "reason": exc.shown_reason,
            "status": exc.status,
            "retry_url": exc.retry_url,
        },
        request=request,
    )
    response = HttpResponse(html, status=exc.status)
    response["Cache-Control"] = "no-store"
    response["X-LTI-Refusal"] = exc.code  # lets tests and monitoring tell refusals apart
    return response
