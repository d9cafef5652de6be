"""The demo story, step by step, through the real services (used by `seed_demo`, the end-to-end
tests and the benchmark): register in the sandbox LMS, launch, set up a DigComp-aligned
credential, QA approval, grades in the sandbox gradebook, sync.

Everything that crosses the LMS boundary goes over real HTTP, so a tool server must be
listening on the tool's base URL (`serving()` starts one for the duration of a block).
"""

from __future__ import annotations

import contextlib
import secrets
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from assessments.models import Course
from awarding.models import Achievement, AchievementType, AwardingRule
from lti_tool.models import Platform
from rubrics import editing, workflow
from rubrics.actors import Actor, actor_from_user
from rubrics.models import QA_GROUP, Competence, QAScope, Rubric
from rubrics.spec import LevelSpec

COURSE_TITLE = "Digital Skills for Everyone"
ACHIEVEMENT_NAME = "Digital Content Creator"
# key, title, points, threshold, DigComp 2.2 competence code
CRITERIA = (
    ("search", "Browsing, searching and filtering data", 10, 6, "1.1"),
    ("create", "Developing digital content", 20, 12, "3.1"),
    ("privacy", "Protecting personal data and privacy", 10, 5, "4.2"),
)


@contextlib.contextmanager
def serving(base_url: str) -> Iterator[None]:
    """Serve this Django project on base_url's host and port in a thread, for one block."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args) -> None:  # the seed prints its own story
            pass

    parts = urlsplit(base_url)
    server = ThreadedWSGIServer((parts.hostname, parts.port or 80), QuietHandler)
    server.set_app(WSGIHandler())
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def register(*, base_url: str, flavour: str = "moodle", slug: str = "demo"):
    from lms_sandbox.seed import connect_tool

    return connect_tool(flavour=flavour, tool_base_url=base_url, slug=slug)


def sandbox_course(*, sandbox_platform, title: str = COURSE_TITLE, learners: int = 30):
    from lms_sandbox.models import SandboxCourse
    from lms_sandbox.seed import seed_course

    existing = SandboxCourse.objects.filter(platform=sandbox_platform, title=title).first()
    return existing or seed_course(platform=sandbox_platform, title=title, learners=learners)


def people(sandbox_course, role: str) -> list:
    from lms_sandbox.seed import course_users

    return course_users(sandbox_course, role)


def launch(*, sandbox_course, user, role: str, deep_link: bool = False) -> requests.Response:
    """A launch over real HTTP, as the LMS's browser would do it."""
    from lms_sandbox.browserless import follow_launch
    from lms_sandbox.seed import launch_url

    link = None if deep_link else sandbox_course.resource_links.order_by("pk").first()
    url = launch_url(
        course=sandbox_course, user=user, role=role, resource_link=link, deep_link=deep_link
    )
    response = follow_launch(requests.Session(), url)
    response.raise_for_status()
    return response


def tool_course(*, platform: Platform, sandbox_course) -> Course:
    return Course.objects.get(platform=platform, context_id=sandbox_course.context_id)


def instructor_actor(*, course: Course, sub: str, name: str = "Instructor") -> Actor:
    return Actor(
        id=f"lti:{course.platform_id}:{sub}",
        name=name,
        course_id=course.pk,
        platform_id=course.platform_id,
    )


def ensure_qa_user(*, platform: Platform, username: str = "qa") -> tuple[User, str]:
    """A QA user for the platform with a fresh random password (printed by the caller)."""
    password = secrets.token_urlsafe(12)
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": "Quinn", "last_name": "Assessor"}
    )
    user.is_staff = True
    user.set_password(password)
    user.save()
    group, _ = Group.objects.get_or_create(name=QA_GROUP)
    user.groups.add(group)
    QAScope.objects.get_or_create(user=user, platform=platform)
    return user, password


def _levels(points: float, threshold: float) -> list[LevelSpec]:
    # DigComp 2.2 proficiency: foundation, intermediate, advanced.
    return [
        LevelSpec("Foundation", 0, "Can do it with guidance."),
        LevelSpec("Intermediate", threshold, "Can do it on their own."),
        LevelSpec("Advanced", round(points * 0.9, 2), "Can guide others."),
    ]


def set_up_credential(
    *,
    course: Course,
    instructor: Actor,
    qa: Actor,
    name: str = ACHIEVEMENT_NAME,
    gradebook_column: bool = False,
    criteria: tuple[tuple[str, str, float, float, str], ...] = CRITERIA,
    description: str = "",
    narrative: str = "",
) -> AwardingRule:
    """Achievement → rubric → line items in the LMS → submit → QA approves → active → rule
    (with the credential column in the LMS gradebook only if `gradebook_column`).

    Idempotent: an existing active rule for the achievement is returned as it is.
    """
    achievement, _ = Achievement.objects.get_or_create(
        platform_id=course.platform_id,
        course=course,
        name=name,
        defaults={
            "description": description
            or "Finds, creates and protects digital content with confidence, "
            "as described by the European Digital Competence Framework (DigComp 2.2).",
            "criteria_narrative": narrative
            or "Reach the threshold in each of the three assessed "
            "competences: searching for information, developing content, and protecting "
            "personal data.",
            "achievement_type": AchievementType.MICRO_CREDENTIAL,
            "tags": ["DigComp", "digital skills"],
            "validity_days": 3 * 365,
        },
    )
    rule = AwardingRule.objects.filter(course=course, achievement=achievement, active=True).first()
    if rule:
        return rule
    rubric = Rubric.objects.filter(course=course, title=name).first() or workflow.create_rubric(
        course=course, title=name, actor=instructor
    )
    version = rubric.versions.filter(state="draft").first()
    if version is not None:
        competences = {
            c.code: c.pk for c in Competence.objects.filter(framework__slug="digcomp-2-2")
        }
        drafts = [
            editing.CriterionDraft(
                key=key,
                title=title,
                points=points,
                threshold=threshold,
                levels=_levels(points, threshold),
                competence_ids=[competences[code]],
            )
            for key, title, points, threshold, code in criteria
        ]
        editing.save_draft(
            version=version,
            actor=instructor,
            title=name,
            policy=editing.PolicyDraft(),
            criteria=drafts,
        )
        editing.create_line_items(version=version, actor=instructor)
        workflow.submit(version=version, actor=instructor)
    for version in rubric.versions.filter(state="submitted"):
        workflow.approve(version=version, actor=qa, comment="Thresholds match DigComp levels.")
    for version in rubric.versions.filter(state="approved"):
        workflow.activate(version=version, actor=qa)
    with transaction.atomic():
        rule, _ = AwardingRule.objects.get_or_create(
            course=course,
            achievement=achievement,
            active=True,
            defaults={"rubric": rubric, "gradebook_column": gradebook_column},
        )
    return rule


def grade_in_sandbox(*, sandbox_course, user, tag: str, score: float | None) -> None:
    """What a teacher does in the LMS gradebook: set (or clear) a grade in a column."""
    from lms_sandbox.models import SandboxLineItem, SandboxResult

    item = SandboxLineItem.objects.get(course=sandbox_course, tag=tag)
    SandboxResult.objects.update_or_create(
        line_item=item,
        user=user,
        defaults={
            "score_given": score,
            "score_maximum": item.score_maximum,
            "activity_progress": "Completed",
            "grading_progress": "FullyGraded" if score is not None else "NotReady",
            "teacher_override": True,
            "updated_at": timezone.now(),
        },
    )


def demo_grade(index: int, key: str, points: float, threshold: float) -> float | None:
    """The demo's gradebook: 2 of 3 learners meet every threshold; some miss one; some are
    not graded yet on one criterion (insufficient evidence)."""
    if index % 6 == 4 and key == "create":
        return threshold - 2  # below the threshold
    if index % 6 == 5 and key == "privacy":
        return None  # not graded yet
    return min(points, threshold + (index % 5) * (points - threshold) / 4)


def enter_demo_grades(*, sandbox_course, learners: list) -> None:
    for index, user in enumerate(learners):
        for key, _title, points, threshold, _code in CRITERIA:
            score = demo_grade(index, key, points, threshold)
            if score is not None:
                grade_in_sandbox(
                    sandbox_course=sandbox_course,
                    user=user,
                    tag=f"credbridge:criterion:{key}",
                    score=score,
                )


def actor_for_qa(user: User) -> Actor:
    return actor_from_user(user)


def deep_link(*, sandbox_course, user, title: str = "Credbridge credentials") -> requests.Response:
    """The instructor adds the tool to the course (Deep Linking); a credential column is
    opted into later, on the setup page."""
    from urllib.parse import urljoin

    import lxml.html

    from lms_sandbox.browserless import follow_launch, form_fields
    from lms_sandbox.seed import launch_url

    session = requests.Session()
    url = launch_url(course=sandbox_course, user=user, role="instructor", deep_link=True)
    picker = follow_launch(session, url)
    picker.raise_for_status()
    form = lxml.html.fromstring(picker.content).forms[0]
    fields = dict(form_fields(form))
    fields["title"] = title
    action = urljoin(picker.url, form.get("action") or picker.url)
    response = session.post(action, data=fields, timeout=30)
    # The tool answers with an auto-submitted form carrying the signed response to the LMS.
    returned = lxml.html.fromstring(response.content).forms[0]
    response = session.post(
        urljoin(response.url, returned.get("action")), data=form_fields(returned), timeout=30
    )
    response.raise_for_status()
    return response
