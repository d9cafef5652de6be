"""The instructor's picker for a Deep Linking launch, and the auto-submitted response.

The instructor chooses what the placement shows: one credential (an achievement the
registered catalog offers, or a new one described here), or the course's overview. The
chosen credential names the link, travels as a custom parameter, and comes back in every
launch of the placement. A grade column comes with it only when the credential's rule opted
into one on the setup page (`AwardingRule.gradebook_column`, the one place that decides: a
column a tool creates counts toward Moodle's course total).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..deep_linking import Placement, accepts_resource_links, build_response_jwt
from ..frame_return import hand_back
from ..launch_context import LaunchContext, LaunchRequest
from ..launch_csrf import launch_csrf
from ..launch_flow import deep_link_frame, deep_link_settings, forget_deep_link
from ..launch_hooks import PLACEMENT_PARAM, PlacementCatalog, PlacementChoice, placement_catalog
from ..models import Platform
from ..refusals import LaunchRefused, forbidden, refusal_response

OVERVIEW = ""  # the choice that places the course overview (no single credential)
NEW = "new"


class PlacementForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("What this placement shows"), required=False, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label=_("Title shown in the course"), max_length=200, initial="Credbridge", required=False
    )
    new_name = forms.CharField(
        label=_("Name of the new credential"), max_length=200, required=False
    )
    new_description = forms.CharField(
        label=_("What it says about a learner who earns it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    new_criteria = forms.CharField(
        label=_("What a learner must show to earn it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, choices: list[PlacementChoice], can_create: bool, **kw: Any):
        super().__init__(*args, **kw)
        self.placement_choices = {c.key: c for c in choices}
        options: list[tuple[str, str]] = [(c.key, c.title) for c in choices]
        if can_create:
            options.append((NEW, str(_("A new credential (describe it below)"))))
        options.append((OVERVIEW, str(_("All credentials of the course (overview)"))))
        field = self.fields["choice"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = options
        field.initial = choices[0].key if choices else OVERVIEW

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("choice") or OVERVIEW
        if choice == NEW:
            for name in ("new_name", "new_description", "new_criteria"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Required for a new credential."))
        elif choice != OVERVIEW and choice not in self.placement_choices:
            self.add_error("choice", _("Choose one of the credentials listed."))
        data["choice"] = choice
        return data


@never_cache
@launch_csrf
@require_http_methods(["GET", "POST"])
def deep_link(request: LaunchRequest) -> HttpResponse:
    try:
        return _deep_link(request)
    except LaunchRefused as exc:
        return refusal_response(request, exc)


def _chosen(
    form: PlacementForm, catalog: PlacementCatalog | None, launch: LaunchContext
) -> PlacementChoice | None:
    """The credential the valid form chose (created now if new), or None for the overview."""
    choice = form.cleaned_data["choice"]
    if choice == OVERVIEW or catalog is None:
        return None
    if choice == NEW:
        return catalog.create(
            launch,
            name=form.cleaned_data["new_name"].strip(),
            description=form.cleaned_data["new_description"].strip(),
            criteria=form.cleaned_data["new_criteria"].strip(),
        )
    return form.placement_choices[choice]


def _deep_link(request: LaunchRequest) -> HttpResponse:
    launch = request.lti_launch
    if (
        not isinstance(launch, LaunchContext)
        or not launch.present
        or launch.message_type != "LtiDeepLinkingRequest"
    ):
        raise forbidden(
            "no_deep_link_launch", gettext_noop("Open this page from the LMS's 'add content'.")
        )
    if not launch.is_instructor:
        raise forbidden(
            "not_instructor", gettext_noop("Only instructors can place Credbridge in a course.")
        )
    settings = deep_link_settings(launch)
    if settings is None:
        raise forbidden(
            "deep_link_used", gettext_noop("This placement was already sent; start it again.")
        )
    if not str(settings.get("deep_link_return_url", "")).startswith(("https://", "http://")):
        raise forbidden(
            "bad_return_url", gettext_noop("The platform gave no usable return address.")
        )
    if not accepts_resource_links(settings):
        raise forbidden(
            "no_resource_links", gettext_noop("This LMS placement does not accept tool links.")
        )
    catalog = placement_catalog()
    choices = catalog.choices(launch) if catalog is not None else []
    form = PlacementForm(
        request.POST or None,
        choices=choices,
        can_create=catalog is not None and launch.course_id is not None,
    )
    if request.method == "POST" and form.is_valid():
        chosen = _chosen(form, catalog, launch)
        launch_url = request.build_absolute_uri(reverse("lti_tool:launch"))
        if chosen is None:
            placement = Placement(
                title=form.cleaned_data["title"].strip() or "Credbridge", launch_url=launch_url
            )
        else:
            placement = Placement(
                title=chosen.title,
                launch_url=launch_url,
                custom={PLACEMENT_PARAM: chosen.key},
                line_item=chosen.line_item,
            )
        platform = Platform.objects.get(pk=launch.platform_id)
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
        {
            "form": form,
            "choices": choices,
            "settings_title": settings.get("title", ""),
        },
        status=400 if request.method == "POST" else 200,
    )
