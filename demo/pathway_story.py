"""The demo's pathway (ADR 0065): a second course, "Digital Safety Basics", whose credential and
the first course's stack into a "Digital Skills Certificate", with one credential aligned to
DigComp area 4 (Safety). Two QA people write and approve it before the second course's grades
arrive, so the stacked credentials appear through the real pipeline (sync → award → issue →
pathway check → stacked award), within seconds of each learner's last component.

Idempotent like the rest of the seed: what exists is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from assessments.models import Course
from assessments.sync import sync_course
from awarding.models import Award, AwardingRule
from lti_tool.models import Platform
from pathways import definition, workflow
from pathways.models import Pathway
from rubrics.models import Competence

from . import steps

COURSE_TITLE = "Digital Safety Basics"
ACHIEVEMENT_NAME = "Digital Safety Defender"
PATHWAY_NAME = "Digital Skills Certificate"
# key, title, points, threshold, DigComp 2.2 competence code
CRITERIA = (
    ("devices", "Protecting devices", 10, 6, "4.1"),
    ("troubleshoot", "Solving technical problems", 10, 5, "5.1"),
)
# The first learners of the first course also take this one; of them, these get grades now
# (the others are one credential away: QA's "who is close").
ENROLLED = 6
GRADED = 3


@dataclass(frozen=True)
class PathwayStory:
    pathway: Pathway
    course: Course
    rule: AwardingRule
    stacked: int
    close: list  # sandbox users one credential away


def _pathway(*, platform: Platform, components: list, author: User, approver: User) -> Pathway:
    existing = Pathway.objects.filter(platform=platform, achievement__name=PATHWAY_NAME).first()
    if existing is not None:
        return existing
    writer, reviewer = steps.actor_for_qa(author), steps.actor_for_qa(approver)
    pathway = definition.create_pathway(
        platform=platform,
        name=PATHWAY_NAME,
        description="Creates, protects and troubleshoots digital content and devices: the "
        "institution's digital skills credentials together.",
        criteria_narrative="Hold both digital skills credentials, one of them aligned to "
        "DigComp 2.2 area 4 (Safety).",
        actor=writer,
    )
    for achievement in components:
        definition.add_component(
            pathway=pathway, achievement=achievement, min_level=None, actor=writer
        )
    definition.add_competency(
        pathway=pathway,
        competence=Competence.objects.get(framework__slug="digcomp-2-2", code="4"),
        min_level=None,
        count=1,
        actor=writer,
    )
    workflow.submit(pathway=pathway, actor=writer)
    workflow.approve(pathway=pathway, actor=reviewer)
    return workflow.activate(pathway=pathway, actor=reviewer)


def seed_pathway(
    *,
    sandbox_platform,
    platform: Platform,
    first_rule: AwardingRule,
    learners: list,
    qa_user: User,
) -> PathwayStory:
    """The second course, its credential, the pathway, and grades for some learners."""
    from lms_sandbox.models import SandboxEnrolment

    sandbox_course = steps.sandbox_course(
        sandbox_platform=sandbox_platform, title=COURSE_TITLE, learners=0
    )
    for user in learners[:ENROLLED]:
        SandboxEnrolment.objects.get_or_create(
            course=sandbox_course, user=user, defaults={"role": "learner"}
        )
    teacher = steps.people(sandbox_course, "instructor")[0]
    steps.launch(sandbox_course=sandbox_course, user=teacher, role="instructor")
    course = steps.tool_course(platform=platform, sandbox_course=sandbox_course)
    rule = steps.set_up_credential(
        course=course,
        instructor=steps.instructor_actor(course=course, sub=teacher.sub, name=teacher.name),
        qa=steps.actor_for_qa(qa_user),
        name=ACHIEVEMENT_NAME,
        criteria=CRITERIA,
        description="Keeps devices safe and solves the technical problems of everyday digital "
        "life (DigComp 2.2, 4.1 and 5.1).",
        narrative="Reach the threshold in both: protecting devices and solving technical problems.",
    )
    approver, _password = steps.ensure_qa_user(platform=platform, username="qa-approver")
    pathway = _pathway(
        platform=platform,
        components=[first_rule.achievement, rule.achievement],
        author=qa_user,
        approver=approver,
    )
    for user in learners[:GRADED]:
        for key, _title, points, threshold, _code in CRITERIA:
            steps.grade_in_sandbox(
                sandbox_course=sandbox_course,
                user=user,
                tag=f"credbridge:criterion:{key}",
                score=min(points, threshold + 2),
            )
    sync_course(course=course, trigger="seed")
    stacked = Award.objects.filter(achievement=pathway.achievement).count()
    holders = set(
        Award.objects.filter(rule=first_rule, state=Award.State.ISSUED).values_list(
            "learner__sub", flat=True
        )
    )
    close = [u for u in learners[GRADED:ENROLLED] if u.sub in holders]
    return PathwayStory(pathway, course, rule, stacked, close)
