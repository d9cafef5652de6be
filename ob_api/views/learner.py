"""The learner's "Connected apps" page (inside the launch): apps holding tokens, Disconnect,
and the sign-in that lets this browser approve an app for a few minutes."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.models import Course, Learner
from audit.events import record_event
from awarding.access import launch_actor, learner_required
from lti_tool.launch_context import LaunchRequest

from ..connections import connected_apps, disconnect
from ..discovery import API_PATH
from ..holders import cookie_age, holder_for, set_consent_cookie


@require_GET
@learner_required
def connected_apps_page(
    request: LaunchRequest, *, course: Course, learner: Learner
) -> HttpResponse:
    holder = holder_for(learner)
    response = render(
        request,
        "ob_api/connected_apps.html",
        {
            "course": course,
            "connections": connected_apps(holder),
            "discovery_url": request.build_absolute_uri(API_PATH + "/discovery"),
            "minutes": cookie_age() // 60,
            "disconnected": request.GET.get("disconnected") == "1",
        },
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_POST
@learner_required
def sign_in_for_apps(request: LaunchRequest, *, course: Course, learner: Learner) -> HttpResponse:
    """Opened in a new top-level window: sets the consent cookie for this learner."""
    holder = holder_for(learner)
    record_event(
        actor=launch_actor(request),
        action="ob_api.consent_sign_in",
        object_type="ob_api.Holder",
        object_id=str(holder.pk),
        after={"minutes": cookie_age() // 60},
        platform_id=course.platform_id,
    )
    response = render(
        request, "ob_api/signed_in.html", {"learner": learner, "minutes": cookie_age() // 60}
    )
    set_consent_cookie(response, learner)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_POST
@learner_required
def disconnect_app(
    request: LaunchRequest, application_id: int, *, course: Course, learner: Learner
) -> HttpResponse:
    revoked = disconnect(
        holder=holder_for(learner),
        application_id=application_id,
        actor=launch_actor(request),
        platform_id=course.platform_id,
    )
    url = reverse("ob_api:connected_apps") + f"?lt={request.lti_launch.token}"
    if revoked:
        url += "&disconnected=1"
    return (
        redirect(url)
        if revoked
        else render(
            request,
            "awarding/refused.html",
            {"reason": _("This app is not connected.")},
            status=404,
        )
    )
