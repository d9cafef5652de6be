"""Registration pages: LTI Dynamic Registration and the Canvas developer-key JSON."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from .. import registration_policy as policy
from ..content_security import new_nonce, page_policy
from ..dynamic_registration import (
    NameRequired,
    PlatformConfiguration,
    RegistrationError,
    clean_name,
    fetch_platform_configuration,
    register,
)
from ..launch_context import LaunchRequest
from ..platforms import adapter_class

logger = logging.getLogger("credbridge.lti")
MAX_PARAM_CHARS = 4096
WINDOW_S = 3600


def tool_base_url() -> str:
    """The tool's public URL, from PUBLIC_BASE_URL only: the Host header is the client's to
    choose, and what we tell an LMS (login, launch, keys) must not be."""
    return settings.PUBLIC_BASE_URL.rstrip("/")


@require_GET
def canvas_json(request: LaunchRequest) -> JsonResponse:
    """Canvas's developer-key JSON ("Paste JSON" or "Enter URL"), built by its adapter."""
    return JsonResponse(adapter_class("canvas")().manual_configuration(base_url=tool_base_url()))


def _registering_origins(openid_configuration: str, config: PlatformConfiguration | None) -> str:
    """Who may frame this page: the LMS being registered (Moodle frames it in its "Add LTI
    Advantage" dialog before any platform record exists). The configuration URL's origin
    once it is a well-formed platform URL and, after the configuration was checked, the
    registration endpoint's (Canvas: the school's own host, where its dialog lives)."""
    origins = []
    if not policy.url_problem(openid_configuration):
        origins.append(policy.origin(openid_configuration))
    if config is not None:
        origins.append(policy.origin(config.data["registration_endpoint"]))
    return " ".join(["'self'", *sorted({o for o in origins if o})])


def client_address(request: LaunchRequest) -> str:
    """The client's address. Behind the reverse proxy on this machine (the documented nginx:
    the peer is loopback) it is the last X-Forwarded-For entry, the one that proxy wrote;
    from any other peer the header is the client's own claim and is ignored."""
    peer = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and (peer == "::1" or peer.startswith("127.")):
        return forwarded.split(",")[-1].strip()[:64] or peer
    return peer[:64]


def _over_the_limit(request: LaunchRequest) -> bool:
    """Each attempt makes this server call out to a URL the client chose: a few per hour per
    client address. A cache outage lets attempts through rather than failing the page."""
    limit = getattr(settings, "LTI_REGISTRATION_ATTEMPTS_PER_HOUR", 30)
    address = client_address(request)
    key = f"lti-registration-attempts:{address}:{int(time.time() // WINDOW_S)}"
    try:
        cache.add(key, 0, WINDOW_S)
        return cache.incr(key) > limit
    except Exception:  # noqa: BLE001 - the limiter must never take the page down
        logger.warning("registration attempt limiter unavailable", exc_info=True)
        return False


def _page(
    request: LaunchRequest, template: str, context: dict, *, status: int = 200, frame: str
) -> HttpResponse:
    if not getattr(request, "csp_nonce", ""):
        request.csp_nonce = new_nonce()
    response = render(request, template, context, status=status)
    # The pages' usual policy (scripts by nonce), framed by the registering LMS.
    response["Content-Security-Policy"] = page_policy(
        nonce=request.csp_nonce, frame_ancestors=frame
    )
    return response


@csrf_exempt  # inside the LMS admin's iframe (no cookie); the registration token authorizes
@xframe_options_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def register_view(request: LaunchRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    openid_configuration = source.get("openid_configuration", "")[: MAX_PARAM_CHARS + 1]
    token = source.get("registration_token", "")
    context = {"openid_configuration": openid_configuration, "registration_token": token}
    frame = _registering_origins(openid_configuration, None)
    if not openid_configuration or len(openid_configuration) > MAX_PARAM_CHARS:
        error = (
            "Open this page from your LMS's dynamic registration (it passes openid_configuration)."
        )
        return _page(
            request, "lti_tool/register.html", {**context, "error": error}, status=400, frame=frame
        )
    if len(token) > MAX_PARAM_CHARS:
        context["registration_token"] = ""
        return _page(
            request,
            "lti_tool/register.html",
            {**context, "error": "The registration token is too large."},
            status=400,
            frame=frame,
        )
    if _over_the_limit(request):
        response = _page(
            request,
            "lti_tool/register.html",
            {
                **context,
                "error": "Too many registration attempts from this address. "
                "Wait an hour and start again from your LMS.",
            },
            status=429,
            frame=frame,
        )
        response["Retry-After"] = str(WINDOW_S)
        return response
    try:
        if request.method == "GET":
            config = fetch_platform_configuration(
                openid_configuration=openid_configuration, registration_token=token
            )
            return _page(
                request,
                "lti_tool/register.html",
                {**context, "config": config, "name": config.suggested_name()},
                frame=_registering_origins(openid_configuration, config),
            )
        name = clean_name(source.get("name", ""))
        result = register(
            openid_configuration=openid_configuration,
            registration_token=token,
            tool_base_url=tool_base_url(),
            name=name,
        )
    except NameRequired as exc:
        return _page(
            request,
            "lti_tool/register.html",
            {**context, "config": exc.config, "name": "", "name_error": str(exc)},
            status=400,
            frame=_registering_origins(openid_configuration, exc.config),
        )
    except RegistrationError as exc:
        return _page(
            request,
            "lti_tool/register.html",
            {**context, "error": str(exc)},
            status=400,
            frame=frame,
        )
    return _page(
        request,
        "lti_tool/register_done.html",
        {"result": result, "pending": not result.platform.is_active},
        frame=_registering_origins(openid_configuration, result.config),
    )
