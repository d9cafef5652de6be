"""`/metrics`: the operator's figures for Prometheus, never for the public.

Answered to a scraper presenting `Authorization: Bearer <METRICS_TOKEN>` (compared in
constant time) or to a signed-in staff user (the Django admin's login). Anyone else gets 401
when a token is configured (a scraper with a wrong token should hear why) and 404 when none
is: without a token the endpoint is staff-only and an anonymous visitor learns nothing.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .figures import snapshot
from .prometheus import CONTENT_TYPE, render


def _bearer(request: HttpRequest) -> str:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    presented = _bearer(request)
    if token and presented and hmac.compare_digest(presented.encode(), token.encode()):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_staff)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        if not settings.METRICS_TOKEN:
            raise Http404
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(render(snapshot()), content_type=CONTENT_TYPE)
