"""Endpoints the tool calls back: the Deep Linking return and Dynamic Registration."""

from __future__ import annotations

import json
import logging

import jwt
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .deep_linking import DeepLinkRefused, accept_response
from .flavours import get_flavour
from .flavours.canvas import hint_secret
from .models import SandboxCourse
from .registration import (
    RegistrationRefused,
    openid_configuration,
    register_tool,
    token_from_request,
)
from .views_launch import error_page, platform_or_404

log = logging.getLogger(__name__)


def _dl_refused(request, platform, err: DeepLinkRefused) -> HttpResponse:
    log.info("sandbox %s refused a deep linking response: %s", platform.slug, err.message)
    if get_flavour(platform).name == "canvas":
        return JsonResponse({err.field: [err.message]}, status=400)
    return error_page(request, err.message, 400)


def _accept(
    request, platform, course, state: str, *, strict: bool, publish: bool, place: bool = True
):
    """`place` False: the response is checked, but nothing reaches the course."""
    token = request.POST.get("JWT", "")
    if not token:
        return _dl_refused(request, platform, DeepLinkRefused("jwt", "JWT is missing"))
    try:
        with transaction.atomic():
            outcome = accept_response(
                platform=platform,
                course=course,
                state=state,
                token=token,
                strict=strict,
                publish_line_items=publish,
            )
            if not place:
                transaction.set_rollback(True)
    except DeepLinkRefused as err:
        return _dl_refused(request, platform, err)
    return render(
        request,
        "lms_sandbox/deep_link_done.html",
        {"platform": platform, "course": course, "outcome": outcome, "lost": not place},
    )


@csrf_exempt
@require_POST
def moodle_deep_link_return(request: HttpRequest, slug: str) -> HttpResponse:
    platform = platform_or_404(slug)
    course = SandboxCourse.objects.filter(platform=platform, pk=request.GET.get("course") or 0)
    if not course.exists() or request.GET.get("id") != platform.type_id:
        return error_page(request, "Unknown course or tool type.", 400)
    # mod/lti/amd/src/contentitem_return.js hands the content to `parent`, the "Select content"
    # dialog of the activity form, which Moodle saves only with that form. Opened top level
    # (a window of its own) the page has no parent to fill: Moodle answers 200, places nothing.
    top_level = request.headers.get("Sec-Fetch-Dest") == "document"
    return _accept(
        request,
        platform,
        course.get(),
        request.GET.get("sesskey", ""),
        strict=True,
        publish=True,
        place=not top_level,
    )


@csrf_exempt
@require_POST
def canvas_deep_link_return(request: HttpRequest, slug: str, course_id: int) -> HttpResponse:
    platform = platform_or_404(slug)
    course = SandboxCourse.objects.filter(platform=platform, pk=course_id).first()
    if course is None:
        return JsonResponse(
            {"errors": [{"message": "The specified resource does not exist."}]}, status=404
        )
    try:  # Canvas's own state, posted back unchanged by the tool
        state = jwt.decode(
            request.GET.get("data", ""), hint_secret(platform), algorithms=["HS256"]
        )["nonce"]
    except (jwt.PyJWTError, KeyError):
        return JsonResponse({"base": ["Invalid data parameter"]}, status=400)
    # Line items from deep linking make UNPUBLISHED assignments: scores get 422 until published.
    return _accept(request, platform, course, state, strict=False, publish=False)


@require_GET
def openid_config(request: HttpRequest, slug: str) -> HttpResponse:
    platform = platform_or_404(slug)
    try:
        config = openid_configuration(platform=platform, token=token_from_request(request))
    except RegistrationRefused as err:
        return JsonResponse(err.body, status=err.status, safe=False)
    return JsonResponse(config)


@csrf_exempt
@require_POST
def registrations(request: HttpRequest, slug: str) -> HttpResponse:
    platform = platform_or_404(slug)
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    in_query = get_flavour(platform).registration_token_in_query
    token = token_from_request(request, query=in_query)
    if not token and not in_query:
        # mod/lti/openid-registration.php: no Bearer header is 401 'missing_registration_token'.
        log.info("sandbox %s refused a registration: no registration token header", slug)
        return HttpResponse("missing_registration_token", status=401, content_type="text/plain")
    try:
        answer = register_tool(platform=platform, token=token, body=body)
    except RegistrationRefused as err:
        log.info("sandbox %s refused a registration: %s", slug, err.body)
        if isinstance(err.body, str):
            return HttpResponse(err.body, status=err.status, content_type="text/plain")
        return JsonResponse(err.body, status=err.status)
    return JsonResponse(answer, status=200)
