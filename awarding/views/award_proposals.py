"""Inside the LMS: an instructor proposes a learner of the course for a credential by review
(a manual award or recognition of prior learning), follows the proposal, withdraws it.
QA decides in the console (qa_console.views.proposals); the work is in
awarding.award_proposals.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.models import Course
from lti_tool.launch_context import LaunchRequest, present_launch

from ..access import instructor_required, launch_actor
from ..award_proposals import ProposalError, propose_award, withdraw_proposal
from ..review_forms import ProposalForm
from ..review_models import AwardProposal


def _to(request: LaunchRequest, name: str, *args: object) -> HttpResponse:
    return redirect(f"{reverse(name, args=args)}?lt={request.lti_launch.token}")


@instructor_required
def propose(request: LaunchRequest, *, course: Course) -> HttpResponse:
    form = ProposalForm(request.POST or None, request.FILES or None, course=course)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = propose_award(
                course=course,
                learner=data["learner"],
                achievement=data["achievement"],
                kind=data["kind"],
                reason=data["reason"],
                evidence_url=data["evidence_url"],
                evidence_file=data["evidence_file"] or None,
                evidence_shareable=data["evidence_shareable"],
                actor=launch_actor(request),
                actor_name=present_launch(request).name,
            )
        except ProposalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Proposed. Quality assurance approves or declines it; you are not.")
            )
            return _to(request, "awarding:proposal", proposal.uuid)
    proposals = (
        AwardProposal.objects.filter(course=course)
        .select_related("learner", "achievement")
        .order_by("-requested_at", "-pk")[:100]
    )
    return render(
        request,
        "awarding/proposals.html",
        {"form": form, "course": course, "proposals": proposals},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _course_proposal(course: Course, proposal_uuid: object) -> AwardProposal:
    return get_object_or_404(
        AwardProposal.objects.select_related("learner", "achievement", "course", "award"),
        uuid=proposal_uuid,
        course=course,
    )


@require_GET
@instructor_required
def proposal_detail(
    request: LaunchRequest, proposal_uuid: object, *, course: Course
) -> HttpResponse:
    proposal = _course_proposal(course, proposal_uuid)
    mine = proposal.requested_by == launch_actor(request)
    return render(
        request,
        "awarding/proposal.html",
        {
            "proposal": proposal,
            "course": course,
            "may_withdraw": mine and proposal.state == AwardProposal.State.REQUESTED,
        },
    )


@require_POST
@instructor_required
def withdraw(request: LaunchRequest, proposal_uuid: object, *, course: Course) -> HttpResponse:
    proposal = _course_proposal(course, proposal_uuid)
    try:
        withdraw_proposal(proposal=proposal, actor=launch_actor(request))
    except ProposalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Withdrawn."))
    return _to(request, "awarding:proposal", proposal.uuid)
