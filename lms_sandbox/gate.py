"""The checks every AGS/NRPS request goes through before its handler runs: platform, Moodle's
type_id, injected faults, media types, bearer token and scope, course, concluded course."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from .faults import fault_response, take_fault
from .flavours import Flavour, get_flavour
from .flavours.base import json_response
from .models import FaultSwitch, SandboxCourse, SandboxPlatform
from .pagination import BadPage, take
from .tokens import LiveToken, token_for_request


@dataclass
class ServiceCall:
    platform: SandboxPlatform
    flavour: Flavour
    course: SandboxCourse
    token: LiveToken
    loop_next: bool = False

    def respond(self, response: HttpResponse) -> HttpResponse:
        return self.flavour.decorate(response)

    def url_of(self, request: HttpRequest) -> str:
        """The URL this request was made to, on the platform's own base (case kept)."""
        return self.platform.base_url.rstrip("/") + request.path

    def page(
        self, request: HttpRequest, *, kind: str, items, media_type: str, body
    ) -> HttpResponse:
        """One page of a collection, with the flavour's `Link` header; `body(rows)` is the JSON.

        A bad paging parameter gets the flavour's 400.
        """
        try:
            window = self.flavour.page_window(request, kind=kind, platform=self.platform)
        except BadPage as exc:
            return self.flavour.error(request, 400, str(exc))
        rows, total = take(items, window)
        response = json_response(body(rows), media_type=media_type)
        links = self.flavour.collection_links(
            request,
            kind=kind,
            base=self.url_of(request),
            window=window,
            total=total,
            loop=self.loop_next,
        )
        if links:
            response["Link"] = links
        return self.respond(response)


def open_call(
    request: HttpRequest,
    *,
    slug: str,
    course_id: int,
    target: str,
    scopes: set[str],
    media_type: str,
    ags: bool = True,
) -> ServiceCall | HttpResponse:
    """A ServiceCall when the request may proceed, else the refusal to send back.

    `scopes`: any one of them lets the request in (e.g. lineitem or lineitem.readonly).
    """
    platform = SandboxPlatform.objects.filter(slug=slug).first()
    if platform is None:
        return HttpResponse("Not found", status=404, content_type="text/plain")
    flavour = get_flavour(platform)
    refused = flavour.check_binding(request, platform)
    if refused is not None:
        return refused
    loop_next = False
    fault = take_fault(platform=platform, target=target)
    if fault is not None:
        forced = fault_response(
            request, platform=platform, fault=fault, flavour=flavour, media_type=media_type
        )
        if forced is not None:
            return forced
        loop_next = fault.kind == FaultSwitch.Kind.LOOP_NEXT
    refused = flavour.check_media_types(request, media_type)
    if refused is not None:
        return refused
    token = token_for_request(
        platform=platform, authorization=request.headers.get("Authorization", "")
    )
    if isinstance(token, str):
        return flavour.unauthorized(request, token)
    if not scopes & set(token.scopes):
        return flavour.unauthorized(request, "Insufficient permissions")
    course = SandboxCourse.objects.filter(platform=platform, pk=course_id).first()
    if course is None:
        return flavour.error(request, 404, "The specified resource does not exist.")
    course.platform = platform
    if ags and course.concluded:
        return flavour.concluded(request, status=course.concluded_status)
    return ServiceCall(platform, flavour, course, token, loop_next)
