"""The two steps of an LMS administrator's handoff to the QA console (see qa_console.handoff).

1. `handoff_start`: posted from the launch page (launch token, inside the LMS) into a new
   top-level window; answers a page carrying a fresh handoff code. It acts with the posted
   launch's rights only, never a session's, so a console session the browser may already
   hold (first-party in that window) does not matter and Django's CSRF check is not needed:
   the posted token must be the launch's, and the browser must say the form is this site's
   own (`Origin`), so no other site can sign a browser in to the console as someone else.
2. `handoff_redeem`: that page posts the code back, now first-party with ordinary CSRF; the
   code is spent and the browser gets a console session.
"""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lti_tool.launch_context import LaunchRequest
from lti_tool.launch_csrf import from_this_site, posted_launch_token, same_token

from ..access import refuse
from ..handoff import (
    HANDOFF_MAX_AGE_S,
    HandoffRefused,
    may_hand_off,
    mint_code,
    open_console_session,
)


@never_cache
@csrf_exempt  # see the module docstring: checked below instead
@require_POST
def handoff_start(request: LaunchRequest) -> HttpResponse:
    launch = request.lti_launch
    posted = posted_launch_token(request)
    if not (
        posted and same_token(posted, launch.token) and from_this_site(request, require_origin=True)
    ):
        return refuse(request, _("Open the QA console with the button on the Credbridge page."))
    if not may_hand_off(launch):
        return refuse(request, _("Only LMS administrators can open the QA console from here."))
    return render(
        request,
        "qa_console/handoff.html",
        {"code": mint_code(launch), "max_age": HANDOFF_MAX_AGE_S},
    )


@never_cache
@require_POST
def handoff_redeem(request: LaunchRequest) -> HttpResponse:
    try:
        open_console_session(request, str(request.POST.get("code", "")))
    except HandoffRefused as exc:
        return refuse(request, str(exc))
    return HttpResponseRedirect(reverse("qa:home"))
