"""Attach the launch (or the null launch) to each request; allow framing by platforms only."""

from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from .launch_context import NO_LAUNCH, load_launch


class LaunchMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = (
            request.headers.get("X-Launch-Token")
            or (request.POST.get("lt") if request.method == "POST" else None)
            or request.GET.get("lt")
        )
        request.lti_launch = load_launch(token) if token else NO_LAUNCH
        # CSRF is not touched here: only views marked @launch_csrf (lti_tool.launch_csrf)
        # accept a posted launch token in place of the CSRF cookie.
        return self.get_response(request)


class FrameAncestorsMiddleware:
    """CSP frame-ancestors: only registered platforms may frame the tool's pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            from .frame_ancestors import frame_ancestors  # models are ready by now

            try:
                ancestors = frame_ancestors()
            except DatabaseError:  # before migrations, or the database is down
                ancestors = "'self'"
            response["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
        return response
