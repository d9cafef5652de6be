"""The evidence file of an award proposal, for those allowed to see it (ADR 0067).

Through a launch: the proposal's learner (from any course of the platform: it is their own
file) and the instructors of the proposal's course. Publicly: only when the instructor marked
the file shareable, QA approved the proposal, and its credential is issued and public (the
credential then names this address as evidence). QA opens it in the console
(qa_console.views.proposals). Everyone else gets the same 404 as for a proposal that does not
exist, so nothing tells them a file is there.
"""

from __future__ import annotations

from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from lti_tool.launch_context import LaunchContext, LaunchRequest

from ..evidence_files import file_response
from ..models import Award
from ..review_models import AwardProposal
from ..selectors import stored_credential


def _launch_may_see(launch: object, proposal: AwardProposal) -> bool:
    if not isinstance(launch, LaunchContext) or not launch.present:
        return False
    if launch.platform_id != proposal.course.platform_id:
        return False
    if launch.is_instructor and launch.course_id == proposal.course_id:
        return True
    return launch.learner_id is not None and launch.learner_id == proposal.learner_id


def is_public(proposal: AwardProposal) -> bool:
    """Shareable, approved, and the credential it led to issued and public."""
    award = proposal.award
    if not proposal.evidence_shareable or proposal.state != AwardProposal.State.APPROVED:
        return False
    if award is None or award.state not in (Award.State.ISSUED, Award.State.FLAGGED):
        return False
    credential = stored_credential(award)
    return credential is not None and credential.is_public


@require_GET
def proposal_evidence(request: LaunchRequest, proposal_uuid: object) -> HttpResponseBase:
    proposal = get_object_or_404(
        AwardProposal.objects.select_related("course", "award"), uuid=proposal_uuid
    )
    if not proposal.evidence_file:
        raise Http404
    allowed = _launch_may_see(request.lti_launch, proposal)
    public = not allowed and is_public(proposal)
    if not (allowed or public):
        raise Http404
    return file_response(
        stored=proposal.evidence_file,
        content_type=proposal.evidence_content_type,
        public=public,
    )
