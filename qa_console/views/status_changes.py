"""Requests to revoke, suspend or reinstate a credential, as QA confirms or declines them.

An instructor asks inside the LMS (awarding.views.status_changes); here QA decides, on the
platforms they are linked to only. The requester can never confirm their own request, even
when they reach the console too (an LMS administrator's handoff session is named by the same
`lti:<platform>:<sub>` as their launches): awarding.status_changes refuses it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from awarding.forms import DeclineForm
from awarding.models import StatusChange
from awarding.status_changes import (
    StatusChangeError,
    confirm_status_change,
    decline_status_change,
)

from ..access import console_actor_id, qa_required, scope_to_platforms
from ..handoff import console_actor

PER_PAGE = 50


def _changes(platform_ids: frozenset[int]):
    return scope_to_platforms(
        StatusChange.objects.select_related(
            "award__learner", "award__achievement", "award__course"
        ),
        platform_ids,
        "award__achievement__platform_id",
    )


@require_GET
@qa_required
def status_changes(request: HttpRequest, *, platform_ids: frozenset[int]) -> HttpResponse:
    found = _changes(platform_ids)
    waiting = list(found.filter(state=StatusChange.State.REQUESTED).order_by("requested_at", "pk"))
    decided = Paginator(
        found.exclude(state=StatusChange.State.REQUESTED).order_by("-decided_at", "-pk"), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "qa_console/awards/status_changes.html",
        {"waiting": waiting, "page": decided},
    )


@require_GET
@qa_required
def status_change(
    request: HttpRequest, change_uuid: object, *, platform_ids: frozenset[int]
) -> HttpResponse:
    change = get_object_or_404(_changes(platform_ids), uuid=change_uuid)
    return render(
        request,
        "qa_console/awards/status_change.html",
        {
            "change": change,
            "mine": change.requested_by == console_actor_id(request),
            "decline_form": DeclineForm(),
        },
    )


@require_POST
@qa_required
def decide_status_change(
    request: HttpRequest, change_uuid: object, step: str, *, platform_ids: frozenset[int]
) -> HttpResponse:
    if step not in ("confirm", "decline"):
        raise Http404
    change = get_object_or_404(_changes(platform_ids), uuid=change_uuid)
    actor = console_actor(request)
    try:
        if step == "confirm":
            confirm_status_change(change=change, actor=actor.id, as_qa=True, actor_name=actor.name)
            messages.success(
                request, _("Confirmed: the credential has changed and the learner is told.")
            )
        else:
            form = DeclineForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            decline_status_change(
                change=change, actor=actor.id, as_qa=True, note=note, actor_name=actor.name
            )
            messages.success(request, _("Declined: the credential stays as it is."))
    except StatusChangeError as exc:
        messages.error(request, str(exc))
    return redirect("qa:status_change", change.uuid)
