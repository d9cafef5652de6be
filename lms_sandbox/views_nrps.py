"""NRPS memberships and the OAuth2 token endpoint."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .faults import fault_response, take_fault
from .flavours import get_flavour
from .flavours.base import LTI, MT_MEMBERSHIPS
from .gate import open_call
from .models import SCOPE_NRPS, FaultSwitch, SandboxPlatform
from .tokens import TokenRefused, issue_token
from .views_launch import platform_or_404

log = logging.getLogger(__name__)


@csrf_exempt
def memberships(request: HttpRequest, slug: str, course_id: int, **kw) -> HttpResponse:
    if request.method != "GET":
        return HttpResponse(status=405)
    call = open_call(
        request,
        slug=slug,
        course_id=course_id,
        target="nrps",
        scopes={SCOPE_NRPS},
        media_type=MT_MEMBERSHIPS,
        ags=False,
    )
    if isinstance(call, HttpResponse):
        return call
    fl, course = call.flavour, call.course
    enrolments = fl.listed_enrolments(course.enrolments.select_related("user").order_by("user_id"))
    if request.GET.get("role"):
        enrolments = fl.role_filter(enrolments, request.GET["role"])
    message = None
    if request.GET.get("rlid"):
        link = course.resource_links.filter(link_id=request.GET["rlid"]).first()
        if link is None:
            return fl.error(request, 400, "Invalid 'rlid' parameter")
        message = [{LTI + "message_type": "LtiResourceLinkRequest", LTI + "custom": link.custom}]
    container = fl.container_id(call.url_of(request), request)
    context = {"id": course.context_id, "label": course.label, "title": course.title}
    return call.page(
        request,
        kind="nrps",
        items=enrolments,
        media_type=MT_MEMBERSHIPS,
        body=lambda rows: {
            "id": container,
            "context": context,
            "members": [fl.member(e, message=message) for e in rows],
        },
    )


@csrf_exempt
@require_POST
def token(request: HttpRequest, slug: str) -> HttpResponse:
    """client_credentials with a JWT client assertion (Moodle token.php, Canvas oauth2/token)."""
    platform: SandboxPlatform = platform_or_404(slug)
    fl = get_flavour(platform)
    fault = take_fault(platform=platform, target=FaultSwitch.Target.TOKEN)
    if fault is not None:
        forced = fault_response(
            request, platform=platform, fault=fault, flavour=fl, media_type="application/json"
        )
        if forced is not None:
            return forced
    try:
        grant = issue_token(
            platform=platform, form=request.POST.dict(), token_url=fl.token_url(platform)
        )
    except TokenRefused as err:
        # The reason is logged for the sandbox's operator; the body says what the LMS says.
        log.info("sandbox %s refused a token request: %s", slug, err)
        return fl.token_response(fl.token_error_body(err.error, err.description), status=400)
    return fl.token_response(grant.as_body())
