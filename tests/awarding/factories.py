"""Small builders of awarding rows for the pipeline tests (plain ORM, no mocks)."""

from __future__ import annotations

import itertools

from assessments.models import Course, Learner
from lti_tool.models import Platform

_seq = itertools.count(1)


def make_platform(*, flavour: str = "moodle") -> Platform:
    n = next(_seq)
    return Platform.objects.create(
        name=f"LMS {n}",
        flavour=flavour,
        issuer=f"https://lms{n}.example.edu",
        client_id=f"client-{n}",
        auth_login_url=f"https://lms{n}.example.edu/auth",
        auth_token_url=f"https://lms{n}.example.edu/token",
        key_set_url=f"https://lms{n}.example.edu/jwks",
    )


def make_course(*, platform: Platform | None = None) -> Course:
    platform = platform or make_platform()
    n = next(_seq)
    return Course.objects.create(platform=platform, context_id=f"ctx-{n}", title=f"Course {n}")


def make_learner(*, platform: Platform, name: str = "") -> Learner:
    n = next(_seq)
    return Learner.objects.create(
        platform=platform, sub=f"user-{n}", name=name or f"Learner {n}", email=f"l{n}@example.edu"
    )


def make_achievement(*, course: Course, name: str = "Digital Content Creator"):
    from awarding.models import Achievement

    return Achievement.objects.create(
        platform=course.platform,
        course=course,
        name=name,
        description="Creates and edits digital content.",
        criteria_narrative="Meet every criterion of the rubric.",
    )
