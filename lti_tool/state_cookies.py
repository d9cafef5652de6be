"""The login state's cookies in the browser: set at the login where the browser will send
them back (SameSite=None; Secure where it can, Lax beside it), cleared once the launch has
used them, and when a top-level relay can bring the Lax one along."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.http import HttpResponse

from config.url_paths import fixed_path

from .launch_context import LaunchRequest
from .login_state import LAX_COOKIE_PREFIX, LOGIN_TTL_S, STATE_COOKIE_PREFIX

_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def cross_site_cookie_possible(request: LaunchRequest) -> bool:
    """Whether browsers accept this tool's SameSite=None cookie: it must be Secure, so the
    tool must answer over https, or on a loopback host (browsers treat it as secure)."""
    if request.is_secure():
        return True
    host = (urlsplit("//" + request.get_host()).hostname or "").lower()
    return host in _LOOPBACK or host.endswith(".localhost")


def set_state_cookies(response: HttpResponse, request: LaunchRequest, record) -> None:
    """The browser secret, in a cookie that can come back to a framed launch (SameSite=None;
    Secure) where browsers take one, and in a Lax cookie that comes back on a same-site
    request (the top-level relay, `relay_may_help`) and to clients that ignore Secure over
    http."""
    path = fixed_path("lti_tool:launch")
    common: dict[str, Any] = {"max_age": LOGIN_TTL_S, "path": path, "httponly": True}
    if cross_site_cookie_possible(request):
        response.set_cookie(
            STATE_COOKIE_PREFIX + record.state,
            record.browser_secret,
            secure=True,
            samesite="None",
            **common,
        )
        response.set_cookie(
            LAX_COOKIE_PREFIX + record.state,
            record.browser_secret,
            secure=request.is_secure(),
            samesite="Lax",
            **common,
        )
    else:
        response.set_cookie(
            STATE_COOKIE_PREFIX + record.state, record.browser_secret, samesite="Lax", **common
        )


def clear_state_cookies(response: HttpResponse, state: str) -> None:
    """The launch has used its login state: the browser forgets both cookies."""
    path = fixed_path("lti_tool:launch")
    for prefix in (STATE_COOKIE_PREFIX, LAX_COOKIE_PREFIX):
        response.delete_cookie(prefix + state, path=path)


def relay_may_help(request: LaunchRequest) -> bool:
    """A top-level cross-site POST (the platform's form_post in a window of its own) leaves
    SameSite=Lax cookies behind, the only kind plain http allows. Posted again from this
    tool's own page, the request is same-site and the Lax state cookie comes along; it is
    still this browser's cookie that must match, so a relay proves nothing by itself."""
    return (
        not request.POST.get("lti_relay")
        and request.headers.get("Sec-Fetch-Dest") == "document"
        and request.headers.get("Sec-Fetch-Site") == "cross-site"
    )
