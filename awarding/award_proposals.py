"""A manual award or recognition of prior learning: an instructor proposes, QA decides.

requested -> approved | declined | withdrawn. The instructor of the course proposes a learner
of the course for one of its achievements, with a reason and evidence (an https link, a file,
or both); QA approves or declines with a note. The requester never decides (checked here and by
a database constraint) and is the only one who may withdraw. Approval grants a review award
(awarding.award_grants), whose credential says it was awarded by review: its evidence names
the kind of review, the reason, and the link or file (ADR 0067). Every step writes its audit
entry in the same transaction; issuance and the learner's notice follow after commit, as for
every award.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from assessments.models import Course, Learner
from audit.events import record_event

from .award_grants import GrantError, grant_award
from .bulk_csv import is_https_url
from .evidence_files import EvidenceFileRefused, check_upload
from .models import Achievement, Award
from .placements import placeable_achievements
from .review_models import AwardProposal

Kind = AwardProposal.Kind
State = AwardProposal.State

# The Open Badges 3.0 Evidence `genre` each kind of review is signed with.
GENRES = {Kind.MANUAL: "Review", Kind.PRIOR_LEARNING: "RecognitionOfPriorLearning"}
MIN_REASON = 10


class ProposalError(ValueError):
    """The step does not apply (wrong person, wrong state, bad input); the message says why."""


def course_achievements(course: Course) -> QuerySet[Achievement]:
    """What a learner of the course may be proposed for: the course's own achievements and the
    institution's shared ones."""
    return placeable_achievements(platform_id=course.platform_id, course_id=course.pk).order_by(
        "name", "pk"
    )


def enrolled_learners(course: Course) -> QuerySet[Learner]:
    """The course's active members (learners and staff alike: staff may hold credentials)."""
    return Learner.objects.filter(
        enrolments__course=course, enrolments__active=True, platform_id=course.platform_id
    ).order_by("name", "sub")


def _event(proposal: AwardProposal, *, actor: str, step: str, before: str, **after: object) -> None:
    record_event(
        actor=actor,
        action=f"award_proposal.{step}",
        object_type="award_proposal",
        object_id=str(proposal.uuid),
        before={"state": before},
        after={"state": proposal.state, **after},
        platform_id=proposal.course.platform_id,
    )


def propose_award(
    *,
    course: Course,
    learner: Learner,
    achievement: Achievement,
    kind: str,
    reason: str,
    evidence_url: str = "",
    evidence_file: UploadedFile | None = None,
    evidence_shareable: bool = False,
    actor: str,
    actor_name: str = "",
) -> AwardProposal:
    """Propose `learner` for `achievement`; nothing is awarded until QA approves."""
    reason = " ".join((reason or "").split())
    evidence_url = (evidence_url or "").strip()
    if kind not in Kind.values:
        raise ProposalError(_("Choose the kind of award."))
    if len(reason) < MIN_REASON:
        raise ProposalError(_("Say why, in at least %(n)d characters.") % {"n": MIN_REASON})
    if evidence_url and not is_https_url(evidence_url):
        raise ProposalError(_("The evidence link must be a full https:// address."))
    if not evidence_url and evidence_file is None:
        raise ProposalError(_("Give evidence: a link, a file, or both."))
    if not actor:
        raise ProposalError(_("A proposal needs the person who makes it."))
    if not enrolled_learners(course).filter(pk=learner.pk).exists():
        raise ProposalError(_("This person is not a member of the course."))
    if not course_achievements(course).filter(pk=achievement.pk).exists():
        raise ProposalError(_("This credential is not one of the course's."))
    if Award.objects.filter(
        learner=learner, achievement=achievement, state__in=Award.LIVE_STATES
    ).exists():
        raise ProposalError(_("%(learner)s already holds this credential.") % {"learner": learner})
    checked = None
    if evidence_file is not None:
        try:
            checked = check_upload(evidence_file)
        except EvidenceFileRefused as exc:
            raise ProposalError(str(exc)) from None
    proposal = AwardProposal(
        course=course,
        learner=learner,
        achievement=achievement,
        kind=kind,
        reason=reason[:2000],
        evidence_url=evidence_url,
        evidence_shareable=bool(evidence_shareable and checked),
        requested_by=actor[:255],
        requested_by_name=actor_name[:200],
    )
    if checked is not None and evidence_file is not None:
        proposal.evidence_file_name = checked.shown_name
        proposal.evidence_content_type = checked.content_type
        # Written to storage by save() below; removed again if the transaction fails.
        proposal.evidence_file.save(checked.stored_name, evidence_file, save=False)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    proposal.save()
            except IntegrityError:
                raise ProposalError(
                    _("A proposal for this learner and credential is already waiting.")
                ) from None
            _event(
                proposal,
                actor=actor,
                step="requested",
                before="",
                kind=kind,
                learner_id=learner.pk,
                achievement_id=achievement.pk,
                reason=proposal.reason,
                evidence_url=evidence_url,
                evidence_file=bool(checked),
                shareable=proposal.evidence_shareable,
            )
    except BaseException:
        if proposal.evidence_file:
            proposal.evidence_file.delete(save=False)
        raise
    return proposal


def evidence_file_url(proposal: AwardProposal) -> str:
    """The file's address: public when shareable and approved, else for those allowed only."""
    path = reverse("awarding:proposal_evidence", args=[proposal.uuid])
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


def review_evidence(proposal: AwardProposal, *, approved_at: datetime) -> list[dict[str, str]]:
    """The evidence items signed into the credential: what was reviewed, why, and by whom (by
    role, not by name: the credential is the learner's to share)."""
    language = proposal.achievement.language or settings.LANGUAGE_CODE
    with translation.override(language):
        name = (
            _("Recognition of prior learning, reviewed by quality assurance")
            if proposal.kind == Kind.PRIOR_LEARNING
            else _("Manual award, reviewed by quality assurance")
        )
        narrative = _(
            "Awarded by review (%(kind)s), not by a graded assessment. Reason: %(reason)s "
            "Proposed by an instructor of %(course)s on %(proposed)s; approved by quality "
            "assurance on %(approved)s."
        ) % {
            "kind": proposal.get_kind_display(),
            "reason": proposal.reason,
            "course": proposal.course.title or proposal.course.context_id,
            "proposed": formats.date_format(proposal.requested_at, "DATE_FORMAT"),
            "approved": formats.date_format(approved_at, "DATE_FORMAT"),
        }
        private_file = _(
            "An evidence file was reviewed; only the learner, the course's instructors and "
            "quality assurance may open it."
        )
        file_name = _("Evidence file reviewed")
    genre = GENRES[Kind(proposal.kind)]
    items = []
    if proposal.evidence_url:
        items.append(
            {"id": proposal.evidence_url, "name": name, "narrative": narrative, "genre": genre}
        )
    if proposal.evidence_file:
        items.append(
            {
                "id": evidence_file_url(proposal),
                "name": file_name if items else name,
                "narrative": ("" if items else narrative)
                + ("" if proposal.evidence_shareable else f" {private_file}"),
                "genre": genre,
            }
        )
    for item in items:
        item["narrative"] = item["narrative"].strip()
    return items


def _locked(proposal: AwardProposal, *, actor: str) -> AwardProposal:
    locked = (
        AwardProposal.objects.select_for_update(of=("self",))
        .select_related("course", "learner", "achievement")
        .get(pk=proposal.pk)
    )
    if locked.state != State.REQUESTED:
        raise ProposalError(
            _("This proposal was already decided: %(state)s.")
            % {"state": locked.get_state_display()}
        )
    if not actor:
        raise ProposalError(_("A decision needs the person who takes it."))
    return locked


def decide_proposal(
    *, proposal: AwardProposal, approve: bool, actor: str, actor_name: str = "", note: str = ""
) -> AwardProposal:
    """QA approves (the review award is granted, issued after commit) or declines."""
    note = " ".join((note or "").split())[:2000]
    with transaction.atomic():
        locked = _locked(proposal, actor=actor)
        if actor == locked.requested_by:
            raise ProposalError(
                _("You made this proposal; another person must approve or decline it.")
            )
        now = timezone.now()
        if approve:
            try:
                award = grant_award(
                    basis=Award.Basis.REVIEW,
                    learner=locked.learner,
                    achievement=locked.achievement,
                    course=locked.course,
                    evidence_items=review_evidence(locked, approved_at=now),
                    actor=actor,
                    reason=locked.reason,
                    reviewed_by=actor,
                )
            except GrantError as exc:
                raise ProposalError(str(exc)) from exc
            locked.award = award
        locked.mark_decided(
            state=State.APPROVED if approve else State.DECLINED,
            actor=actor,
            actor_name=actor_name,
            note=note,
            at=now,
            also=["award"],
        )
        _event(
            locked,
            actor=actor,
            step="approved" if approve else "declined",
            before=State.REQUESTED,
            note=note,
            requested_by=locked.requested_by,
            award=str(locked.award.uuid) if locked.award else "",
        )
    return locked


def withdraw_proposal(*, proposal: AwardProposal, actor: str) -> AwardProposal:
    """The requester takes the proposal back before QA decided it."""
    with transaction.atomic():
        locked = _locked(proposal, actor=actor)
        if actor != locked.requested_by:
            raise ProposalError(_("Only the person who proposed it can withdraw it."))
        locked.mark_decided(state=State.WITHDRAWN, actor=actor)
        _event(locked, actor=actor, step="withdrawn", before=State.REQUESTED)
    return locked
