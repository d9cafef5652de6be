"""The two steps of an LMS administrator's handoff to the QA console (see qa_handoff).

1. `handoff_start`: posted from the launch page (launch token, inside the LMS) into a new
   top-level window; answers a page carrying a fresh handoff code.
2. `handoff_redeem`: that page posts the code back, now first-party with ordinary CSRF; the
   code is spent and the browser gets a console session.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lti_tool.launch_csrf import launch_csrf

from .qa_handoff import (
    HANDOFF_MAX_AGE_S,
    HandoffRefused,
    may_hand_off,
    mint_code,
    open_console_session,
)


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "rubrics/qa/handoff_refused.html", {"reason": reason}, status=403)


@never_cache
@launch_csrf
@require_POST
def handoff_start(request: HttpRequest) -> HttpResponse:
    if not may_hand_off(request.lti_launch):
        return _refused(request, "Only LMS administrators can open the QA console from here.")
    return render(
        request,
        "rubrics/qa/handoff.html",
        {"code": mint_code(request.lti_launch), "max_age": HANDOFF_MAX_AGE_S},
    )


@never_cache
@require_POST
def handoff_redeem(request: HttpRequest) -> HttpResponse:
    try:
        open_console_session(request, str(request.POST.get("code", "")))
    except HandoffRefused as exc:
        return _refused(request, str(exc))
    return HttpResponseRedirect(reverse("rubrics:qa_home"))
