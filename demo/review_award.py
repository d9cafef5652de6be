"""The demo's award by review: an instructor proposes a learner for recognition of prior
learning, QA approves, and the credential says it was awarded by review (ADR 0067)."""

from __future__ import annotations

from django.contrib.auth.models import User

from assessments.models import Course
from awarding.award_proposals import decide_proposal, enrolled_learners, propose_award
from awarding.models import Achievement, Award
from awarding.review_models import AwardProposal
from rubrics.actors import actor_from_user

REASON = (
    "Holds the national certificate in digital skills (2024), whose modules on searching and "
    "evaluating information, privacy and content creation cover every criterion of this "
    "credential; the certificate was checked with its issuer."
)
EVIDENCE_URL = "https://certificates.example.org/digital-skills/2024/4711"


def award_prior_learning(
    *,
    course: Course,
    achievement: Achievement,
    teacher_sub: str,
    teacher_name: str,
    qa_user: User,
    skip_subs: set[str],
) -> AwardProposal | None:
    """Once per demo: the first member without this credential, proposed and approved."""
    done = AwardProposal.objects.filter(course=course, achievement=achievement).first()
    if done is not None:
        return done
    holders = Award.objects.filter(achievement=achievement, state__in=Award.LIVE_STATES)
    learner = (
        enrolled_learners(course)
        .exclude(pk__in=holders.values("learner_id"))
        .exclude(sub__in=skip_subs | {teacher_sub})
        .first()
    )
    if learner is None:
        return None
    proposal = propose_award(
        course=course,
        learner=learner,
        achievement=achievement,
        kind=AwardProposal.Kind.PRIOR_LEARNING,
        reason=REASON,
        evidence_url=EVIDENCE_URL,
        actor=f"lti:{course.platform_id}:{teacher_sub}",
        actor_name=teacher_name,
    )
    qa = actor_from_user(qa_user)
    return decide_proposal(
        proposal=proposal,
        approve=True,
        actor=qa.id,
        actor_name=qa.name,
        note="The certificate was checked with its issuer.",
    )
