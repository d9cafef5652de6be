"""Registration pages: LTI Dynamic Registration and the Canvas developer-key JSON."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from .dynamic_registration import RegistrationError, fetch_platform_configuration, register
from .tool_configuration import canvas_developer_key

MAX_PARAM_CHARS = 4096


def tool_base_url(request: HttpRequest) -> str:
    """The tool's public URL: PUBLIC_BASE_URL, unless this request came in on another host
    (a test server, a second name), whose URLs the platform can then reach."""
    configured = settings.PUBLIC_BASE_URL.rstrip("/")
    here = f"{request.scheme}://{request.get_host()}"
    return configured if configured.split("://", 1)[-1] == request.get_host() else here


@require_GET
def canvas_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(canvas_developer_key(base_url=tool_base_url(request)))


@csrf_exempt  # inside the LMS admin's iframe (no cookie); the registration token authorizes
@xframe_options_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def register_view(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    openid_configuration = source.get("openid_configuration", "")
    token = source.get("registration_token", "")
    context = {"openid_configuration": openid_configuration, "registration_token": token}
    if not openid_configuration or len(openid_configuration) > MAX_PARAM_CHARS:
        return render(
            request,
            "lti_tool/register.html",
            {
                **context,
                "error": "Open this page from your LMS's dynamic registration "
                "(it passes openid_configuration).",
            },
            status=400,
        )
    if len(token) > MAX_PARAM_CHARS:
        return render(
            request, "lti_tool/register.html", {**context, "error": "Token too large."}, status=400
        )
    try:
        if request.method == "GET":
            config = fetch_platform_configuration(
                openid_configuration=openid_configuration, registration_token=token
            )
            return render(request, "lti_tool/register.html", {**context, "config": config})
        result = register(
            openid_configuration=openid_configuration,
            registration_token=token,
            tool_base_url=tool_base_url(request),
        )
    except RegistrationError as exc:
        return render(request, "lti_tool/register.html", {**context, "error": str(exc)}, status=400)
    return render(request, "lti_tool/register_done.html", {"result": result})
