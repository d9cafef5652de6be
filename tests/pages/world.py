"""A small world for page tests: a platform, a course, people, a rubric, a rule, decisions.

Built with the real models and the real `rubrics.evaluate` (so stored decisions have the
exact shape the pipeline stores); launches are simulated with `start_launch_session`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.cache import cache

from assessments.models import Course, Enrolment, Learner, LineItem
from awarding.models import Achievement, Award, AwardingRule, Decision
from awarding.snapshot import evidence_snapshot
from lti_tool.launch_context import LaunchContext, start_launch_session
from lti_tool.models import Platform
from rubrics.evaluate import evaluate
from rubrics.models import Criterion, CriterionLevel, Rubric, RubricVersion
from rubrics.spec import Observation

_seq = itertools.count(1)


@dataclass
class World:
    platform: Platform
    course: Course
    instructor: Learner
    learners: list[Learner]
    rubric: Rubric
    version: RubricVersion
    achievement: Achievement
    rule: AwardingRule
    decisions: dict[int, Decision] = field(default_factory=dict)

    def launch(self, person: Learner, *roles: str, **extra: Any) -> LaunchContext:
        """A verified launch of `person` in the world's course (`extra`: other claims of
        start_launch_session, the name and message type among them)."""
        claims: dict[str, Any] = {"name": person.name} | extra
        return start_launch_session(
            platform_id=self.platform.pk,
            deployment_id="dep-1",
            context_id=self.course.context_id,
            course_id=self.course.pk,
            user_sub=person.sub,
            learner_id=person.pk,
            roles=set(roles or ("learner",)),
            **claims,
        )

    def decide(
        self, learner: Learner, scores: dict[str, float | None], comment: str = ""
    ) -> Decision:
        spec = self.version.to_spec()
        evidence = {
            key: [
                Observation(score, None, datetime(2026, 11, 20, 10, 0, tzinfo=UTC), 1, 1, comment)
            ]
            for key, score in scores.items()
            if score is not None
        }
        result = evaluate(spec, evidence)
        decision = Decision.objects.create(
            rule=self.rule,
            course=self.course,
            achievement=self.achievement,
            learner=learner,
            rubric_version=self.version,
            outcome=result.outcome,
            evidence=evidence_snapshot(evidence),
            result=result.to_dict(),
            trigger="test",
        )
        self.decisions[learner.pk] = decision
        return decision

    def award(self, learner: Learner, state: str = Award.State.ISSUED, **extra) -> Award:
        return Award.objects.create(
            rule=self.rule,
            course=self.course,
            achievement=self.achievement,
            learner=learner,
            decision=self.decisions[learner.pk],
            state=state,
            **extra,
        )


def make_platform(name: str = "Moodle of Test U") -> Platform:
    n = next(_seq)
    return Platform.objects.create(
        name=name,
        flavour="moodle",
        issuer=f"https://lms{n}.example.org",
        client_id=f"client-{n}",
        auth_login_url=f"https://lms{n}.example.org/auth",
        auth_token_url=f"https://lms{n}.example.org/token",
        key_set_url=f"https://lms{n}.example.org/jwks",
    )


def make_world(
    *,
    platform: Platform | None = None,
    course_title: str = "Data Literacy 101",
    learner_names: tuple[str, ...] = ("Ada Lovelace", "Grace Hopper", "Alan Turing"),
    achievement_name: str = "Data Literacy Badge",
) -> World:
    platform = platform or make_platform()
    n = next(_seq)
    course = Course.objects.create(
        platform=platform, context_id=f"ctx-{n}", title=course_title, deployment_id="dep-1"
    )
    instructor = Learner.objects.create(platform=platform, sub=f"teacher-{n}", name="Tess Teacher")
    Enrolment.objects.create(course=course, learner=instructor, roles=["Instructor"])
    learners = []
    for i, name in enumerate(learner_names):
        person = Learner.objects.create(platform=platform, sub=f"s{n}-{i}", name=name)
        Enrolment.objects.create(course=course, learner=person, roles=["Learner"])
        learners.append(person)
    rubric = Rubric.objects.create(course=course, title="Data skills", created_by="lti:x:teacher")
    version = RubricVersion.objects.create(
        rubric=rubric, number=1, title="Data skills", author="lti:x:teacher"
    )
    for pos, (key, title) in enumerate((("search", "Search data"), ("evaluate", "Evaluate data"))):
        item = LineItem.objects.create(
            course=course,
            url=f"https://lms.example.org/li/{n}/{key}",
            label=title,
            score_maximum=10,
            tag=f"credbridge:criterion:{key}",
        )
        crit = Criterion.objects.create(
            version=version,
            position=pos,
            key=key,
            title=title,
            points=10,
            threshold=6,
            line_item=item,
        )
        CriterionLevel.objects.create(criterion=crit, name="Foundation", min_score=6)
        CriterionLevel.objects.create(criterion=crit, name="Advanced", min_score=9)
    RubricVersion.objects.filter(pk=version.pk).update(state="active")
    version.refresh_from_db()
    achievement = Achievement.objects.create(
        platform=platform,
        course=course,
        name=achievement_name,
        description="Finds and evaluates data.",
        criteria_narrative="Score at least 6 of 10 in both criteria.",
    )
    rule = AwardingRule.objects.create(course=course, achievement=achievement, rubric=rubric)
    return World(platform, course, instructor, learners, rubric, version, achievement, rule)


def issue(world: World, learner: Learner, scores: dict[str, float | None] | None = None) -> Award:
    """A real issued credential for `learner`: decision → reserved award → the pipeline's
    compose → sign → verify → store (awarding.award_issuance.issue_award)."""
    from awarding.award_issuance import issue_award

    world.decide(learner, scores or {"search": 9, "evaluate": 7}, comment="Well argued")
    award = world.award(learner, state=Award.State.PENDING)
    issued, _ = issue_award(award_id=award.pk)
    return issued


def issue_flag_and_revoke(world: World, issued_to, flagged_for, revoked_from) -> list[Award]:
    """An issued award, a flagged one and one revoked by an instructor, Hedda Head, as the
    QA console and the every-page sweep show them."""
    from awarding.revoke import revoke_award

    issued = issue(world, issued_to)
    flagged = issue(world, flagged_for)
    flag = world.decide(flagged_for, {"search": 2, "evaluate": 7})
    Award.objects.filter(pk=flagged.pk).update(state=Award.State.FLAGGED, flag_decision=flag)
    revoked = issue(world, revoked_from)
    head = Learner.objects.create(platform=world.platform, sub="head-1", name="Hedda Head")
    Enrolment.objects.create(course=world.course, learner=head, roles=["instructor"])
    actor = f"lti:{world.platform.pk}:head-1"
    revoke_award(award=revoked, reason="Grade corrected after an appeal", actor=actor)
    return [issued, flagged, revoked]


def deep_link_launch(world: World, base_url: str) -> str:
    """A verified deep linking request of the world's instructor, stored as launch_flow
    stores it (returning to `base_url`); its launch token."""
    launch = world.launch(world.instructor, "instructor", message_type="LtiDeepLinkingRequest")
    stored = {
        "settings": {
            "deep_link_return_url": f"{base_url}/__dl_return__",
            "accept_types": ["ltiResourceLink"],
        },
        "frame_id": "",
    }
    cache.set(f"lti-deep-link:{launch.launch_id}", stored, 600)
    return launch.token
