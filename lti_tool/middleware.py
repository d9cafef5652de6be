"""Attach the launch (or the null launch) to each request and speak its language; the pages'
CSP (scripts by nonce, framing by registered platforms only)."""

from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .content_security import new_nonce, page_policy
from .frame_ancestors import CACHE_KEY as FRAME_ANCESTORS_KEY
from .frame_ancestors import ReadAhead, frame_ancestors, read_ahead
from .launch_context import NO_LAUNCH, LaunchContext, LaunchRequest, load_launch_with
from .launch_locale import launch_language


class LaunchMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = (
            request.headers.get("X-Launch-Token")
            or (request.POST.get("lt") if request.method == "POST" else None)
            or request.GET.get("lt")
        )
        if token:
            # The page's framing list (FrameAncestorsMiddleware, after the view) comes with
            # the launch: one cache round trip for both (ADR 0080).
            launch, found = load_launch_with(
                token,
                user_agent=request.headers.get("User-Agent", ""),
                also=(FRAME_ANCESTORS_KEY,),
            )
            request.frame_ancestors_ahead = read_ahead(found)  # type: ignore[attr-defined]
        else:
            launch = NO_LAUNCH
        # This middleware is what makes every request a LaunchRequest.
        cast(LaunchRequest, request).lti_launch = launch
        # Runs after Django's LocaleMiddleware (settings.MIDDLEWARE), which chose the language
        # from Accept-Language: a launch whose locale the site speaks overrides it, for its
        # pages only (launch_locale). LocaleMiddleware's response step then reports the
        # language actually used in Content-Language.
        language = launch_language(launch.locale) if isinstance(launch, LaunchContext) else None
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        # CSRF is not touched here: only views marked @launch_csrf (lti_tool.launch_csrf)
        # accept a posted launch token in place of the CSRF cookie.
        return self.get_response(request)


class FrameAncestorsMiddleware:
    """The CSP of every page that sets none itself: scripts by nonce, framing by registered
    platforms only (see content_security)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cast(LaunchRequest, request).csp_nonce = new_nonce()  # every request: see LaunchRequest
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            try:
                ahead: ReadAhead | None = getattr(request, "frame_ancestors_ahead", None)
                ancestors = frame_ancestors(ahead)
            except DatabaseError:  # before migrations, or the database is down
                ancestors = "'self'"
            match = getattr(request, "resolver_match", None)
            if match is not None and match.app_name in settings.CSP_FRAME_ANCESTORS_ONLY_APPS:
                # The development LMS imitates another site with its own policy (it frames the
                # tool from another origin); it keeps the framing rule only.
                response["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
            else:
                response["Content-Security-Policy"] = page_policy(
                    nonce=cast(LaunchRequest, request).csp_nonce, frame_ancestors=ancestors
                )
        return response
