"""The site root: what Credbridge is, for whom, how an LMS registers it, where to verify.

Public and the same for everyone (no session, no cache reads), so shared caches may keep it
a few minutes and a cache or LMS outage cannot take it down. The registration addresses are
built from PUBLIC_BASE_URL, never from the Host header, like everything told to an LMS.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

LANDING_MAX_AGE = 300


@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    response = render(
        request,
        "landing.html",
        {
            "registration_url": base + reverse("lti_tool:register"),
            "canvas_json_url": base + reverse("lti_tool:canvas_json"),
            "verify_url": reverse("credentials:verify"),
            # A page shared caches keep shows nobody's messages (they wait for the next page).
            "messages": (),
        },
    )
    patch_cache_control(response, public=True, max_age=LANDING_MAX_AGE)
    return response
