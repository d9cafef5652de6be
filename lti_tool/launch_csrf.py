"""CSRF for the pages served inside a launch, where the CSRF cookie is a blocked third-party
cookie.

A launch token sent in the form body or the `X-Launch-Token` header is an unguessable secret
of one launch that a cross-site attacker cannot supply, so on the views that opt in with
`@launch_csrf` it stands in for the CSRF cookie. Everywhere else (the QA console, the Django
admin) Django's own CSRF check applies unchanged. It never applies when the request also
carries a signed-in Django session: otherwise a learner's own token plus an administrator's
session cookie would let a cross-site form act with the administrator's rights. Nor does
it when the browser says the request comes from another origin (`Origin`): an attacker's own
launch token, posted by the attacker's page from a victim's browser, must not make that
browser act in the attacker's launch (say, sign in to the QA console as the attacker).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

View = Callable[..., HttpResponse]


def posted_launch_token(request: HttpRequest) -> str:
    """The launch token sent with the request itself (header or form body), never the URL's:
    a token in a URL may have leaked through a link, a log or a Referer."""
    header = request.headers.get("X-Launch-Token", "")
    if header:
        return header
    if request.method == "POST":
        return str(request.POST.get("lt", ""))
    return ""


def same_token(posted: str, expected: str) -> bool:
    """Constant-time comparison that also takes non-ASCII input (bad input, never a 500)."""
    return hmac.compare_digest(posted.encode(), (expected or "").encode())


def from_this_site(request: HttpRequest, *, require_origin: bool = False) -> bool:
    """True unless the browser names another origin (no Origin header: older clients, unless
    `require_origin`)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return not require_origin
    own = f"{request.scheme}://{request.get_host()}"
    return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS


def token_stands_in_for_csrf(request: HttpRequest) -> bool:
    if not from_this_site(request):
        return False
    launch = getattr(request, "lti_launch", None)
    if launch is None or not launch.present:
        return False
    posted = posted_launch_token(request)
    # The launch the view will act for must be the one whose token came in the body, so the
    # exemption lives exactly as long as that launch and covers its own user and course only.
    if not posted or not same_token(posted, launch.token):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def launch_csrf(view: View) -> View:
    """Opt a view served inside a launch in to "launch token instead of CSRF cookie"."""
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if token_stands_in_for_csrf(request):
            return view(request, *args, **kwargs)
        return protected(request, *args, **kwargs)

    # The global middleware steps aside; the wrapper decides, per request, as above.
    return csrf_exempt(wrapper)
