"""Proposed awards by review (a manual award, recognition of prior learning), as QA approves
or declines them. Instructors propose inside the LMS (awarding.views.award_proposals); here QA
decides, on the platforms they are linked to only. The person who proposed can never approve
their own proposal, even when they reach the console too: awarding.award_proposals refuses it,
and so does the database.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from awarding.award_proposals import ProposalError, decide_proposal
from awarding.evidence_files import file_response
from awarding.forms import DeclineForm
from awarding.review_models import AwardProposal

from ..access import console_actor_id, qa_required, scope_to_platforms
from ..handoff import console_actor

PER_PAGE = 50


def _proposals(platform_ids: frozenset[int]) -> QuerySet[AwardProposal]:
    return scope_to_platforms(
        AwardProposal.objects.select_related("learner", "achievement", "course", "award"),
        platform_ids,
        "course__platform_id",
    )


@require_GET
@qa_required
def proposals(request: HttpRequest, *, platform_ids: frozenset[int]) -> HttpResponse:
    found = _proposals(platform_ids)
    waiting = list(found.filter(state=AwardProposal.State.REQUESTED).order_by("requested_at", "pk"))
    decided = Paginator(
        found.exclude(state=AwardProposal.State.REQUESTED).order_by("-decided_at", "-pk"), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(request, "qa_console/proposals/list.html", {"waiting": waiting, "page": decided})


@require_GET
@qa_required
def proposal(
    request: HttpRequest, proposal_uuid: object, *, platform_ids: frozenset[int]
) -> HttpResponse:
    found = get_object_or_404(_proposals(platform_ids), uuid=proposal_uuid)
    return render(
        request,
        "qa_console/proposals/detail.html",
        {
            "proposal": found,
            "evidence_href": reverse("qa:proposal_evidence", args=[found.uuid]),
            "mine": found.requested_by == console_actor_id(request),
            "decline_form": DeclineForm(),
        },
    )


@require_POST
@qa_required
def decide(
    request: HttpRequest, proposal_uuid: object, step: str, *, platform_ids: frozenset[int]
) -> HttpResponse:
    if step not in ("approve", "decline"):
        raise Http404
    found = get_object_or_404(_proposals(platform_ids), uuid=proposal_uuid)
    actor = console_actor(request)
    form = DeclineForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        decide_proposal(
            proposal=found,
            approve=step == "approve",
            actor=actor.id,
            actor_name=actor.name,
            note=note,
        )
    except ProposalError as exc:
        messages.error(request, str(exc))
    else:
        if step == "approve":
            messages.success(
                request, _("Approved: the credential is being issued and the learner is told.")
            )
        else:
            messages.success(request, _("Declined: nothing is awarded."))
    return redirect("qa:proposal", found.uuid)


@require_GET
@qa_required
def evidence(
    request: HttpRequest, proposal_uuid: object, *, platform_ids: frozenset[int]
) -> HttpResponseBase:
    found = get_object_or_404(_proposals(platform_ids), uuid=proposal_uuid)
    if not found.evidence_file:
        raise Http404
    return file_response(
        stored=found.evidence_file, content_type=found.evidence_content_type, public=False
    )
