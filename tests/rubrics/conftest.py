"""Builders for rubric tests: a platform, a course with learners and graded line items."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User

from assessments.models import Course, Enrolment, Learner, LineItem, Result, ResultRevision
from lti_tool.launch_context import start_launch_session
from lti_tool.models import Platform
from rubrics.actors import Actor
from rubrics.models import QA_GROUP, Competence, ProficiencyLevel, QAScope

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


def make_platform(name="Uni", issuer="https://lms.example.org") -> Platform:
    return Platform.objects.create(
        name=name,
        flavour="moodle",
        issuer=issuer,
        client_id="client-1",
        auth_login_url=f"{issuer}/auth",
        auth_token_url=f"{issuer}/token",
        key_set_url=f"{issuer}/jwks",
    )


def make_course(platform, title="Digital skills 101", context_id="ctx-1") -> Course:
    return Course.objects.create(
        platform=platform,
        context_id=context_id,
        title=title,
        lineitems_url=f"{platform.issuer}/ags/{context_id}/lineitems",
    )


def add_learner(
    course, sub, name, roles=("http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",)
):
    learner = Learner.objects.create(platform=course.platform, sub=sub, name=name)
    Enrolment.objects.create(course=course, learner=learner, roles=list(roles))
    return learner


def add_line_item(course, key, points=10.0, tag=None) -> LineItem:
    item, _ = LineItem.objects.get_or_create(
        course=course,
        url=f"{course.lineitems_url}/{key}",
        defaults={
            "label": key,
            "score_maximum": points,
            "tag": f"credbridge:criterion:{key}" if tag is None else tag,
            "created_by_tool": tag is None,
        },
    )
    return item


def grade(line_item, learner, *scores, comment="", maximum=None) -> Result:
    """Store the result with one revision per score given (the last is current)."""
    result = None
    for n, score in enumerate(scores, start=1):
        ts = T0 + timedelta(hours=n)
        digest = hashlib.sha256(f"{line_item.pk}-{learner.pk}-{n}".encode()).hexdigest()
        fields = {
            "score": score,
            "maximum": maximum or line_item.score_maximum,
            "comment": comment,
            "lms_timestamp": ts,
            "raw": {"resultScore": score},
            "content_hash": digest,
        }
        if result is None:
            result = Result.objects.create(
                line_item=line_item, learner=learner, fetched_at=ts, revision=n, **fields
            )
        else:
            Result.objects.filter(pk=result.pk).update(revision=n, fetched_at=ts, **fields)
        ResultRevision.objects.create(result=result, number=n, recorded_at=ts, **fields)
    result.refresh_from_db()
    return result


def instructor_actor(course, sub="teacher-1", name="Tess Teacher") -> Actor:
    return Actor(
        id=f"lti:{course.platform_id}:{sub}",
        name=name,
        course_id=course.pk,
        platform_id=course.platform_id,
    )


def instructor_launch(course, sub="teacher-1", name="Tess Teacher", roles=("instructor",)):
    return start_launch_session(
        platform_id=course.platform_id,
        deployment_id="dep-1",
        context_id=course.context_id,
        course_id=course.pk,
        user_sub=sub,
        learner_id=None,
        roles=roles,
        name=name,
    )


def make_qa_user(platform, username="quinn", password="qa-pass-123456") -> User:
    user = User.objects.create_user(username, f"{username}@example.org", password)
    user.groups.add(Group.objects.get_or_create(name=QA_GROUP)[0])
    QAScope.objects.create(user=user, platform=platform)
    return user


def digcomp(code: str) -> Competence:
    return Competence.objects.get(framework__slug="digcomp-2-2", code=code)


def proficiency(code: str) -> ProficiencyLevel:
    return ProficiencyLevel.objects.get(framework__slug="digcomp-2-2", code=code)


@pytest.fixture
def platform(db):
    return make_platform()


@pytest.fixture
def course(platform):
    return make_course(platform)


@pytest.fixture
def digcomp_data(transactional_db):
    """Transactional tests flush the database between tests (migration data included)."""
    from rubrics.digcomp import load_digcomp

    load_digcomp()
