"""OIDC third-party login and the launch. Thin: the checks live in message_launch.py."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from config.url_paths import fixed_path

from ..content_security import new_nonce, page_policy
from ..frame_return import new_frame_id, take, valid_frame_id
from ..launch_context import LaunchRequest
from ..launch_flow import complete_launch
from ..launch_hooks import launch_read_offer
from ..login_state import (
    LAX_COOKIE_PREFIX,
    PROBE_COOKIE,
    STATE_COOKIE_PREFIX,
    begin_login,
    browser_matches,
    load_login_with,
    nonce_was_used,
)
from ..message_launch import C_DEPLOYMENT, CredbridgeMessageLaunch
from ..models import Platform
from ..platform_keys import KeySetReadAhead, jwks_cache_key_named_by
from ..refusals import LaunchRefused, forbidden, malformed, refusal_response
from ..registry import find_platform, login_platform
from ..state_cookies import (
    clear_state_cookies,
    cross_site_cookie_possible,
    relay_may_help,
    set_state_cookies,
)
from ..unverified_token import read_unverified

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


def tool_origins(request: LaunchRequest) -> set[str]:
    """The origins this tool answers on: the configured public URL and this request's."""
    public = urlsplit(settings.PUBLIC_BASE_URL)
    return {f"{public.scheme}://{public.netloc}", f"{request.scheme}://{request.get_host()}"}


# Fetch metadata (Chromium, Firefox 90+, Safari 16.4+) says where a page will be shown.
_FRAMED = {"iframe", "frame", "embed", "object"}


def _framed(request: LaunchRequest) -> bool:
    """The login runs inside a frame (the LMS's iframe). Clients that do not say (older
    browsers, HTTP libraries) are taken as top level: the redirect then works as before."""
    return request.headers.get("Sec-Fetch-Dest", "") in _FRAMED


def _refuse_plain_http(platform: Platform) -> None:
    """Platform URLs on plain http only when the operator allows them (LTI_ALLOW_HTTP_PLATFORMS):
    over http the id_token, keys and grades can be read or changed on the way."""
    if settings.LTI_ALLOW_HTTP_PLATFORMS:
        return
    urls = (platform.issuer, platform.auth_login_url, platform.auth_token_url, platform.key_set_url)
    if any(u.lower().startswith("http://") for u in urls if u):
        raise forbidden(
            "insecure_platform",
            gettext_noop(
                "This LMS is registered with plain http addresses, which Credbridge refuses. "
                "Serve the LMS over https, or (for a test or campus LMS on http) the Credbridge "
                "operator sets LTI_ALLOW_HTTP_PLATFORMS=1."
            ),
            detail=f"platform={platform.pk}",
        )


def _login_params(request: LaunchRequest) -> dict[str, str]:
    source = request.POST if request.method == "POST" else request.GET
    params = {}
    for name in LOGIN_PARAMS:
        value = source.get(name, "")
        if len(value) > MAX_PARAM_CHARS:
            raise malformed(
                "too_large",
                gettext_noop("The login parameter %(name)s is too large."),
                params={"name": name},
            )
        if value:
            params[name] = value
    return params


def _framable_anywhere(request: LaunchRequest, response: HttpResponse) -> HttpResponse:
    # The login and launch pages are transit pages (auto-submitted forms, the storage
    # exchange, the new-window offer, a refusal): nothing to click-jack (the one button posts
    # the login parameters the framing page sent, which that page can post itself). They must
    # render inside the LMS iframe before we know every host a platform frames us from
    # (Canvas: each school's own host, learnt at the first launch), so they are framable by
    # any page; scripts still run only with this response's nonce.
    nonce = getattr(request, "csp_nonce", "") or new_nonce()
    request.csp_nonce = nonce
    response["Content-Security-Policy"] = page_policy(nonce=nonce, frame_ancestors="*")
    return response


@csrf_exempt  # the platform's auto-submitted form is a cross-site POST; state is checked instead
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: LaunchRequest) -> HttpResponse:
    try:
        return _framable_anywhere(request, _login(request))
    except LaunchRefused as exc:
        return _framable_anywhere(request, refusal_response(request, exc))


def _login(request: LaunchRequest) -> HttpResponse:
    params = _login_params(request)
    for required in ("iss", "login_hint", "target_link_uri"):
        if required not in params:
            raise malformed(
                "missing_parameter",
                gettext_noop("The login request lacks %(name)s."),
                params={"name": required},
            )
    platform = find_platform(issuer=params["iss"], client_id=params.get("client_id"))
    if platform is None:
        raise forbidden(
            "unknown_platform",
            gettext_noop("This tool is not registered for this platform (issuer and client id)."),
            detail=f"iss={params['iss'][:200]!r}",
        )
    _refuse_plain_http(platform)
    target = params["target_link_uri"]
    if f"{urlsplit(target).scheme}://{urlsplit(target).netloc}" not in tool_origins(request):
        raise forbidden(
            "foreign_target_link_uri", gettext_noop("The login is addressed to another tool.")
        )
    storage_target = params.get("lti_storage_target", "")[:64]
    login_params = {k: v for k, v in params.items() if k != "lti_storage_target"}
    source = request.POST if request.method == "POST" else request.GET
    record = begin_login(
        platform_id=platform.pk,
        target_link_uri=target,
        params=login_params,
        storage_target=storage_target,
        # Set by our own frame page when it opened this window (frame_return.py).
        frame_id=valid_frame_id(source.get("cb_frame", "")),
    )
    auth = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": request.build_absolute_uri(fixed_path("lti_tool:launch")),
        "state": record.state,
        "nonce": record.nonce,
        "login_hint": params["login_hint"],
    }
    if "lti_message_hint" in params:
        auth["lti_message_hint"] = params["lti_message_hint"]
    sep = "&" if "?" in platform.auth_login_url else "?"
    auth_url = platform.auth_login_url + sep + urlencode(auth)
    framed = _framed(request)
    if not (storage_target or framed):
        # Top level: the state cookie is first party and comes back.
        redirect = HttpResponseRedirect(auth_url)
        set_state_cookies(redirect, request, record)
        return redirect
    # In the LMS's iframe, or with platform storage offered: decide in the browser, before
    # the platform's auth endpoint spends its (Moodle: single-use) lti_message_hint, whether
    # the launch can finish here or must restart in a top-level window (ADR 0002).
    cookie_possible = cross_site_cookie_possible(request)
    frame_id = new_frame_id()
    # One probe per login: two launches framed at once must not read each other's.
    probe = PROBE_COOKIE + record.state[:12]
    response = render(
        request,
        "lti_tool/login_frame.html",
        {
            "auth_action": platform.auth_login_url.split("?", 1)[0],
            "auth_fields": parse_qsl(urlsplit(auth_url).query),
            "relaunch_fields": [*login_params.items(), ("cb_frame", frame_id)],
            "plain_http": framed and not cookie_possible and not storage_target,
            "config": {
                "framed": framed,
                "plain_http": not cookie_possible,
                "probe": f"{probe}=1",
                "frame": frame_id,
                "frame_return": fixed_path("lti_tool:frame_return"),
                "storage": {
                    "target": storage_target,
                    "origin": _origin_of(platform.auth_login_url),
                    "key": "credbridge_state_" + record.state,
                    "value": record.browser_secret,
                }
                if storage_target
                else None,
            },
        },
    )
    if framed and cookie_possible:
        # Readable by the page only if the browser keeps cookies in this frame; set with the
        # state cookie's own attributes, so it tells whether that one will come back.
        response.set_cookie(
            probe,
            "1",
            max_age=60,
            path=fixed_path("lti_tool:login"),
            secure=True,
            samesite="None",
        )
    set_state_cookies(response, request, record)
    return response


@csrf_exempt  # no cookie, no effect but handing over: the unguessable frame id authorises it
@never_cache
@require_POST
def frame_return(request: LaunchRequest) -> HttpResponse:
    """Our frame page in the LMS asks for the Deep Linking response its window made."""
    parked = take(request.POST.get("frame", "")[:64])
    if parked is None:
        return HttpResponse(status=204)
    return JsonResponse(parked)


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
def launch(request: LaunchRequest) -> HttpResponse:
    try:
        return _framable_anywhere(request, _launch(request))
    except LaunchRefused as exc:
        return _framable_anywhere(request, refusal_response(request, exc))


def _launch(request: LaunchRequest) -> HttpResponse:
    if request.POST.get("error") and not request.POST.get("id_token"):
        error = request.POST.get("error", "")[:100]
        description = request.POST.get("error_description", "")[:300]
        raise malformed(
            "platform_error",
            gettext_noop("The platform refused the login: %(error)s. %(description)s"),
            params={"error": error, "description": description},
        )
    state = request.POST.get("state", "")
    if not state:
        raise malformed("missing_state", gettext_noop("The launch carries no state."))
    if len(state) > 128:
        raise malformed("too_large", gettext_noop("The launch's state is too large."))
    # Read once, never trusted: the key set entry its issuer and audience name is read with
    # the login state (one round trip), the deployment it names with the platform (one query);
    # each is used only if the login's platform is the one named (ADR 0083).
    unverified = read_unverified(request.POST.get("id_token", ""))
    key_set_key = jwks_cache_key_named_by(unverified.payload)
    record, found = load_login_with(state, also=(key_set_key,) if key_set_key else ())
    if record is None:
        if nonce_was_used(unverified.nonce()):
            raise forbidden("nonce_replayed", gettext_noop("This launch was already used once."))
        raise forbidden(
            "unknown_state",
            gettext_noop("This launch's login is unknown or has expired; open the activity again."),
        )
    # The launch recorder's read of the person and course the token names goes with it: an
    # offer too, used only if the verified claims name the same (launch_hooks).
    read_offer = launch_read_offer()
    offer = (
        read_offer(platform_id=record.platform_id, claims=unverified.payload)
        if read_offer
        else None
    )
    platform, deployment, offered = login_platform(
        record.platform_id, deployment_id=unverified.text_claim(C_DEPLOYMENT), also=offer
    )
    if platform is not None:
        _refuse_plain_http(platform)
    cookies = [
        request.COOKIES.get(STATE_COOKIE_PREFIX + state),
        request.COOKIES.get(LAX_COOKIE_PREFIX + state),
    ]
    stored = request.POST.get("lti_storage_value")
    if not any(browser_matches(record=record, presented=v) for v in [*cookies, stored]):
        if record.storage_target and stored is None and not any(cookies):
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
        if relay_may_help(request) and not any(cookies):
            return render(
                request,
                "lti_tool/launch_relay.html",
                {"id_token": request.POST.get("id_token", ""), "state": state},
            )
        # No "open in a new window" here: that would replay the platform's login, and Moodle's
        # hint is already spent. The login step chose the window before spending it.
        raise forbidden(
            "state_mismatch",
            gettext_noop(
                "This launch was not started in this browser (its login state does not match), "
                "or the browser kept back Credbridge's cookie. Go back to the course and open the "
                "activity again."
            ),
        )
    verified = CredbridgeMessageLaunch(
        request,
        record=record,
        tool_origins=tool_origins(request),
        login_platform=platform,
        login_deployment=deployment,
        unverified=unverified,
        key_set_ahead=KeySetReadAhead(key_set_key, found.get(key_set_key)) if key_set_key else None,
    ).verify()
    response = complete_launch(
        request=request,
        verified=verified,
        frame_id=record.frame_id,
        offered=(offer, offered) if offer is not None else None,
    )
    clear_state_cookies(response, state)
    return response
