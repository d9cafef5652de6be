"""OIDC third-party login and the launch. Thin: the checks live in message_launch.py."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .launch_flow import complete_launch
from .login_state import (
    LOGIN_TTL_S,
    STATE_COOKIE_PREFIX,
    begin_login,
    browser_matches,
    load_login,
    nonce_was_used,
)
from .message_launch import CredbridgeMessageLaunch
from .models import Platform
from .refusals import LaunchRefused, forbidden, malformed, refusal_response
from .registry import find_platform

logger = logging.getLogger("credbridge.lti")

MAX_PARAM_CHARS = 4096
LOGIN_PARAMS = (
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "lti_deployment_id",
    "client_id",
    "lti_storage_target",
)


def tool_origins(request: HttpRequest) -> set[str]:
    """The origins this tool answers on: the configured public URL and this request's."""
    public = urlsplit(settings.PUBLIC_BASE_URL)
    return {f"{public.scheme}://{public.netloc}", f"{request.scheme}://{request.get_host()}"}


def _cookie_flags(request: HttpRequest) -> dict:
    # Inside an LMS iframe the cookie is third party: SameSite=None needs Secure (HTTPS).
    secure = request.is_secure()
    return {"secure": secure, "samesite": "None" if secure else "Lax", "httponly": True}


def _login_params(request: HttpRequest) -> dict[str, str]:
    source = request.POST if request.method == "POST" else request.GET
    params = {}
    for name in LOGIN_PARAMS:
        value = source.get(name, "")
        if len(value) > MAX_PARAM_CHARS:
            raise malformed("too_large", f"The login parameter {name} is too large.")
        if value:
            params[name] = value
    return params


def _framable_anywhere(response: HttpResponse) -> HttpResponse:
    # The login and launch pages are transit pages (auto-submitted forms, the storage
    # exchange, a refusal): nothing to click-jack. They must render inside the LMS iframe
    # before we know every host a platform frames us from (Canvas: each school's own host,
    # learnt at the first launch), so they do not take the registered-platforms CSP.
    response["Content-Security-Policy"] = "frame-ancestors *"
    return response


@csrf_exempt  # the platform's auto-submitted form is a cross-site POST; state is checked instead
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    try:
        return _framable_anywhere(_login(request))
    except LaunchRefused as exc:
        return _framable_anywhere(refusal_response(request, exc))


def _login(request: HttpRequest) -> HttpResponse:
    params = _login_params(request)
    for required in ("iss", "login_hint", "target_link_uri"):
        if required not in params:
            raise malformed("missing_parameter", f"The login request lacks {required}.")
    platform = find_platform(issuer=params["iss"], client_id=params.get("client_id"))
    if platform is None:
        raise forbidden(
            "unknown_platform",
            "This tool is not registered for this platform (issuer and client id).",
            detail=f"iss={params['iss'][:200]!r}",
        )
    target = params["target_link_uri"]
    if f"{urlsplit(target).scheme}://{urlsplit(target).netloc}" not in tool_origins(request):
        raise forbidden("foreign_target_link_uri", "The login is addressed to another tool.")
    storage_target = params.get("lti_storage_target", "")[:64]
    record = begin_login(
        platform_id=platform.pk,
        target_link_uri=target,
        params={k: v for k, v in params.items() if k != "lti_storage_target"},
        storage_target=storage_target,
    )
    auth = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": request.build_absolute_uri(reverse("lti_tool:launch")),
        "state": record.state,
        "nonce": record.nonce,
        "login_hint": params["login_hint"],
    }
    if "lti_message_hint" in params:
        auth["lti_message_hint"] = params["lti_message_hint"]
    sep = "&" if "?" in platform.auth_login_url else "?"
    auth_url = platform.auth_login_url + sep + urlencode(auth)
    if storage_target:
        # Keep the browser secret in the platform's storage too: the cookie may be blocked.
        response = render(
            request,
            "lti_tool/login_storage.html",
            {
                "auth_action": platform.auth_login_url.split("?", 1)[0],
                "auth_fields": parse_qsl(urlsplit(auth_url).query),
                "storage": {
                    "target": storage_target,
                    "origin": _origin_of(platform.auth_login_url),
                    "key": "credbridge_state_" + record.state,
                    "value": record.browser_secret,
                },
            },
        )
    else:
        response = HttpResponseRedirect(auth_url)
    response.set_cookie(
        STATE_COOKIE_PREFIX + record.state,
        record.browser_secret,
        max_age=LOGIN_TTL_S,
        path=reverse("lti_tool:launch"),
        **_cookie_flags(request),
    )
    return response


def _storage_origin(platform_id: int) -> str:
    """The platform storage answers from the origin of the platform's OIDC auth endpoint."""
    platform = Platform.objects.filter(pk=platform_id).only("auth_login_url").first()
    return _origin_of(platform.auth_login_url) if platform else "*"


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@csrf_exempt  # cross-site POST from the platform; the state and nonce protect it
@never_cache
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    try:
        return _framable_anywhere(_launch(request))
    except LaunchRefused as exc:
        return _framable_anywhere(refusal_response(request, exc))


def _launch(request: HttpRequest) -> HttpResponse:
    if request.POST.get("error") and not request.POST.get("id_token"):
        error = request.POST.get("error", "")[:100]
        description = request.POST.get("error_description", "")[:300]
        raise malformed("platform_error", f"The platform refused the login: {error}. {description}")
    state = request.POST.get("state", "")
    if not state:
        raise malformed("missing_state", "The launch carries no state.")
    if len(state) > 128:
        raise malformed("too_large", "The launch's state is too large.")
    record = load_login(state)
    if record is None:
        if nonce_was_used(_unverified_nonce(request.POST.get("id_token", ""))):
            raise forbidden("nonce_replayed", "This launch was already used once.")
        raise forbidden(
            "unknown_state",
            "This launch's login is unknown or has expired; open the activity again.",
        )
    cookie = request.COOKIES.get(STATE_COOKIE_PREFIX + state)
    stored = request.POST.get("lti_storage_value")
    if not (
        browser_matches(record=record, presented=cookie)
        or (browser_matches(record=record, presented=stored))
    ):
        if record.storage_target and stored is None and not cookie:
            return render(
                request,
                "lti_tool/launch_storage.html",
                {
                    "id_token": request.POST.get("id_token", ""),
                    "state": state,
                    "storage": {
                        "target": record.storage_target,
                        "origin": _storage_origin(record.platform_id),
                        "key": "credbridge_state_" + state,
                    },
                },
            )
        login_url = request.build_absolute_uri(reverse("lti_tool:login"))
        raise forbidden(
            "state_mismatch",
            "This launch was not started in this browser (its login state does not match). "
            "Your browser may block cookies inside the LMS page.",
            retry_url=f"{login_url}?{urlencode(record.params)}" if record.params else "",
        )
    verified = CredbridgeMessageLaunch(
        request, record=record, tool_origins=tool_origins(request)
    ).verify()
    response = complete_launch(request=request, verified=verified)
    response.delete_cookie(STATE_COOKIE_PREFIX + state, path=reverse("lti_tool:launch"))
    return response


def _unverified_nonce(token: str) -> str:
    """Only to word a refusal: which nonce a stale launch carried (never trusted)."""
    import jwt

    try:
        return str(jwt.decode(token[:65536], options={"verify_signature": False}).get("nonce"))
    except Exception:  # noqa: BLE001 - anything unreadable simply has no nonce
        return ""
