"""A manual award or recognition of prior learning: an instructor proposes, QA decides, and the
credential says it was awarded by review (and verifies like every other)."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from awarding.award_proposals import ProposalError, decide_proposal, withdraw_proposal
from awarding.models import Award, Notification
from awarding.review_models import AwardProposal
from credentials.local_verification import verify_credential
from credentials.models import Credential
from tests.pages.world import make_world

from .review_world import pdf_bytes, propose, teacher_id, upload

pytestmark = pytest.mark.django_db

QA = "user:900"


@pytest.fixture(autouse=True)
def _evidence_files(evidence_storage, settings):
    """Every test here keeps its evidence files in its own folder."""
    settings.PUBLIC_BASE_URL = "https://tool.example.edu"
    return evidence_storage


@pytest.fixture
def world():
    return make_world()


def test_approval_issues_a_credential_that_says_it_was_awarded_by_review(
    world, django_capture_on_commit_callbacks
):
    ada = world.learners[0]
    proposal = propose(world, evidence_file=upload(), evidence_shareable=True)
    assert proposal.state == AwardProposal.State.REQUESTED
    assert not Award.objects.filter(learner=ada).exists()

    with django_capture_on_commit_callbacks(execute=True):
        decided = decide_proposal(proposal=proposal, approve=True, actor=QA, actor_name="Quinn QA")

    award = Award.objects.get(pk=decided.award_id)
    assert award.basis == Award.Basis.REVIEW and award.state == Award.State.ISSUED
    assert award.course_id == world.course.pk and award.reviewed_by == QA
    document = json.loads(Credential.objects.get(pk=award.uuid).document)
    result = verify_credential(document)
    assert result.ok, result.errors
    evidence = document["evidence"]
    review, file_item = evidence[0], evidence[1]
    assert review["id"] == "https://certificates.example.org/ada/42"
    assert review["genre"] == "RecognitionOfPriorLearning"
    assert "Awarded by review" in review["narrative"]
    assert "national data analyst certificate" in review["narrative"]
    assert "approved by quality assurance" in review["narrative"]
    assert file_item["id"] == f"https://tool.example.edu/evidence-files/{proposal.uuid}"
    assert file_item["genre"] == "RecognitionOfPriorLearning"
    # No person's name in what the learner shares: roles only.
    assert world.instructor.name not in json.dumps(evidence)
    assert "Quinn QA" not in json.dumps(evidence)
    assert "Evidence" in evidence[0]["type"]
    # Told like every other award.
    assert Notification.objects.filter(award=award, kind=Notification.Kind.AWARDED).exists()
    actions = list(
        AuditEvent.objects.filter(object_id=str(proposal.uuid)).values_list("action", flat=True)
    )
    assert actions == ["award_proposal.requested", "award_proposal.approved"]
    assert AuditEvent.objects.filter(action="award.granted", object_id=str(award.uuid)).exists()


def test_a_manual_award_with_a_private_file_only_says_a_file_was_reviewed(
    world, django_capture_on_commit_callbacks
):
    proposal = propose(
        world,
        kind=AwardProposal.Kind.MANUAL,
        evidence_url="",
        evidence_file=upload("portfolio.pdf", pdf_bytes()),
    )
    assert proposal.evidence_content_type == "application/pdf"
    with django_capture_on_commit_callbacks(execute=True):
        decided = decide_proposal(proposal=proposal, approve=True, actor=QA)
    document = json.loads(Credential.objects.get(pk=decided.award.uuid).document)
    assert verify_credential(document).ok
    first = document["evidence"][0]
    assert first["genre"] == "Review"
    assert "only the learner, the course's instructors and quality assurance" in first["narrative"]


def test_the_requester_cannot_approve_their_own_proposal(world):
    proposal = propose(world)
    with pytest.raises(ProposalError, match="another person"):
        decide_proposal(proposal=proposal, approve=True, actor=teacher_id(world))
    proposal.refresh_from_db()
    assert proposal.state == AwardProposal.State.REQUESTED
    assert not Award.objects.filter(learner=proposal.learner).exists()
    # Nor can anything else: the database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        AwardProposal.objects.filter(pk=proposal.pk).update(
            state=AwardProposal.State.APPROVED,
            decided_by=proposal.requested_by,
            award=Award.objects.create(
                basis=Award.Basis.REVIEW,
                course=world.course,
                achievement=world.achievement,
                learner=proposal.learner,
            ),
        )


def test_declining_awards_nothing_and_keeps_the_note(world):
    proposal = propose(world)
    decided = decide_proposal(
        proposal=proposal, approve=False, actor=QA, note="The certificate expired in 2020."
    )
    assert decided.state == AwardProposal.State.DECLINED
    assert decided.decision_note == "The certificate expired in 2020."
    assert not Award.objects.filter(learner=proposal.learner).exists()
    with pytest.raises(ProposalError, match="already decided"):
        decide_proposal(proposal=proposal, approve=True, actor=QA)


def test_only_the_requester_withdraws_and_then_nobody_approves(world):
    proposal = propose(world)
    with pytest.raises(ProposalError, match="Only the person"):
        withdraw_proposal(proposal=proposal, actor=QA)
    withdraw_proposal(proposal=proposal, actor=teacher_id(world))
    with pytest.raises(ProposalError, match="already decided"):
        decide_proposal(proposal=proposal, approve=True, actor=QA)


def test_one_open_proposal_per_learner_and_credential(world):
    propose(world)
    with pytest.raises(ProposalError, match="already waiting"):
        propose(world)
    assert AwardProposal.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason": "ok"}, "at least"),
        ({"evidence_url": "http://certificates.example.org/ada"}, "https://"),
        ({"evidence_url": "javascript:alert(1)"}, "https://"),
        ({"evidence_url": ""}, "Give evidence"),
        ({"kind": "gift"}, "kind"),
        ({"evidence_file": upload("cv.pdf", b"<html><script>alert(1)</script>")}, "PDF, PNG"),
        ({"evidence_file": upload("empty.png", b"")}, "empty"),
    ],
)
def test_a_proposal_needs_a_reason_and_evidence_it_can_keep(world, overrides, message):
    with pytest.raises(ProposalError, match=message):
        propose(world, **overrides)
    assert not AwardProposal.objects.exists()


def test_a_file_over_the_limit_is_refused(world, settings, evidence_storage):
    settings.EVIDENCE_FILE_MAX_BYTES = 1000
    big = upload("scan.pdf", pdf_bytes() + b"0" * 1000)
    with pytest.raises(ProposalError, match="larger"):
        propose(world, evidence_file=big)
    assert not evidence_storage.exists() or not any(evidence_storage.rglob("*.*"))


def test_only_members_of_the_course_and_its_credentials(world):
    other = make_world(learner_names=("Zed Elsewhere",), achievement_name="Other Badge")
    with pytest.raises(ProposalError, match="not a member"):
        propose(world, learner=other.learners[0])
    with pytest.raises(ProposalError, match="not one of the course"):
        propose(world, achievement=other.achievement)


def test_a_learner_who_holds_it_is_not_proposed(world):
    world.decide(world.learners[0], {"search": 9, "evaluate": 9})
    world.award(world.learners[0])
    with pytest.raises(ProposalError, match="already holds"):
        propose(world)


def test_the_file_is_stored_under_a_random_name_outside_media(world, evidence_storage, settings):
    proposal = propose(world, evidence_file=upload("../../etc/passwd.png"))
    stored = proposal.evidence_file.name
    assert stored.startswith("proposals/") and stored.endswith(".png") and "passwd" not in stored
    assert (evidence_storage / stored).read_bytes().startswith(b"\x89PNG")
    assert proposal.evidence_file_name == "passwd.png"  # shown only, never a path
