"""Launch views: the page that starts a launch, the OIDC auth endpoint, the JWKS."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from . import keys
from .flavours import get_flavour
from .launching import AuthError, answer_auth_request, begin_launch, error_fields
from .models import SandboxCourse, SandboxPlatform, SandboxResourceLink, SandboxUser

log = logging.getLogger(__name__)


def platform_or_404(slug: str) -> SandboxPlatform:
    return get_object_or_404(SandboxPlatform, slug=slug)


def autosubmit(
    request: HttpRequest, *, action: str, fields: dict, title: str, method: str = "post"
):
    return render(
        request,
        "lms_sandbox/autosubmit.html",
        {"action": action, "fields": list(fields.items()), "title": title, "method": method},
    )


def error_page(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "lms_sandbox/error.html", {"message": message}, status=status)


@require_GET
def jwks(request: HttpRequest, slug: str) -> JsonResponse:
    return JsonResponse(keys.jwks(platform_or_404(slug)))


@require_http_methods(["GET", "POST"])
def start_launch(request: HttpRequest, slug: str) -> HttpResponse:
    """Begin a launch as the chosen user: the auto-submitted login initiation form."""
    platform = platform_or_404(slug)
    data = request.POST if request.method == "POST" else request.GET
    try:
        course = SandboxCourse.objects.get(platform=platform, pk=int(data.get("course", "")))
        user = SandboxUser.objects.get(platform=platform, pk=int(data.get("user", "")))
        link = None
        if data.get("link"):
            link = SandboxResourceLink.objects.get(course=course, pk=int(data["link"]))
    except (
        ValueError,
        SandboxCourse.DoesNotExist,
        SandboxUser.DoesNotExist,
        SandboxResourceLink.DoesNotExist,
    ):
        return error_page(request, "Unknown course, user or resource link.", 404)
    message = (
        "LtiDeepLinkingRequest" if data.get("message") == "deep_link" else "LtiResourceLinkRequest"
    )
    try:
        _, login_url, fields = begin_launch(
            course=course,
            user=user,
            role=data.get("role") or None,
            resource_link=link,
            message_type=message,
        )
    except ValueError as exc:
        return error_page(request, str(exc))
    return autosubmit(request, action=login_url, fields=fields, title="Launching the tool")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest, slug: str) -> HttpResponse:
    """The OIDC authorization endpoint (Moodle auth.php, Canvas /api/lti/authorize)."""
    platform = platform_or_404(slug)
    params = (request.POST if request.method == "POST" else request.GET).dict()
    try:
        answer = answer_auth_request(platform=platform, params=params)
    except AuthError as err:
        log.info("sandbox %s refused an auth request: %s", slug, err.error)
        if err.bad_hint:
            refusal = get_flavour(platform).hint_refused(request)
            if refusal is not None:
                return refusal
        if not err.post_back:
            if err.description == "Invalid lti_message_hint":
                return JsonResponse(
                    {"status": "bad_request", "message": err.description}, status=400
                )
            return error_page(request, err.description, err.status)
        return autosubmit(
            request,
            action=params["redirect_uri"],
            fields=error_fields(platform, err, params.get("state", "")),
            title="Returning to the tool",
        )
    return autosubmit(request, action=answer.redirect_uri, fields=answer.fields, title="Launching")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def canvas_authorize_redirect(request: HttpRequest, slug: str) -> HttpResponse:
    """Canvas's sso host: 302 to the school host's /api/lti/authorize, every parameter kept."""
    platform = platform_or_404(slug)
    if platform.flavour != SandboxPlatform.Flavour.CANVAS:
        raise Http404
    params = request.POST if request.method == "POST" else request.GET
    # Canvas reads the school host from the hint here, so a bad hint fails at this step.
    if get_flavour(platform).hint_value(platform, params.get("lti_message_hint", "")) is None:
        return JsonResponse(
            {"status": "bad_request", "message": "Invalid lti_message_hint"}, status=400
        )
    return HttpResponseRedirect(
        f"{platform.root}/api/lti/authorize?{urlencode(list(params.items()))}"
    )
