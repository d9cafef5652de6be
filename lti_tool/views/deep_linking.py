"""The instructor's picker for a Deep Linking launch, and the auto-submitted response.

The placement never asks the LMS for a grade column: a column a tool creates counts toward
Moodle's course total, so it is opted into per credential on the setup page (with the
explanation of how to keep the total unchanged), the one place that decides it
(`AwardingRule.gradebook_column`).
"""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..deep_linking import Placement, accepts_resource_links, build_response_jwt
from ..frame_return import hand_back
from ..launch_context import LaunchContext, LaunchRequest
from ..launch_csrf import launch_csrf
from ..launch_flow import deep_link_frame, deep_link_settings, forget_deep_link
from ..models import Platform
from ..refusals import LaunchRefused, forbidden, refusal_response


class PlacementForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Credbridge")


@never_cache
@launch_csrf
@require_http_methods(["GET", "POST"])
def deep_link(request: LaunchRequest) -> HttpResponse:
    try:
        return _deep_link(request)
    except LaunchRefused as exc:
        return refusal_response(request, exc)


def _deep_link(request: LaunchRequest) -> HttpResponse:
    launch = request.lti_launch
    if (
        not isinstance(launch, LaunchContext)
        or not launch.present
        or launch.message_type != "LtiDeepLinkingRequest"
    ):
        raise forbidden("no_deep_link_launch", "Open this page from the LMS's 'add content'.")
    if not launch.is_instructor:
        raise forbidden("not_instructor", "Only instructors can place Credbridge in a course.")
    settings = deep_link_settings(launch)
    if settings is None:
        raise forbidden("deep_link_used", "This placement was already sent; start it again.")
    if not str(settings.get("deep_link_return_url", "")).startswith(("https://", "http://")):
        raise forbidden("bad_return_url", "The platform gave no usable return address.")
    if not accepts_resource_links(settings):
        raise forbidden("no_resource_links", "This LMS placement does not accept tool links.")
    form = PlacementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        platform = Platform.objects.get(pk=launch.platform_id)
        placement = Placement(
            title=form.cleaned_data["title"],
            launch_url=request.build_absolute_uri(reverse("lti_tool:launch")),
        )
        token = build_response_jwt(
            platform=platform,
            deployment_id=launch.deployment_id,
            settings=settings,
            placement=placement,
        )
        frame = deep_link_frame(launch)
        forget_deep_link(launch)  # one response per deep linking request
        if frame:  # the LMS's frame posts it, where the LMS expects it
            hand_back(frame, action=settings["deep_link_return_url"], jwt=token)
        return render(
            request,
            "lti_tool/deep_link_return.html",
            {"return_url": settings["deep_link_return_url"], "jwt": token, "handed_back": frame},
        )
    return render(
        request,
        "lti_tool/deep_link_picker.html",
        {"form": form, "settings_title": settings.get("title", "")},
    )
