"""Who may open which rubrics page, from the request: the launch (instructor) or the Django
session (QA console, an LMS administrator's handoff included). Views call these first; the
workflow checks again on every change."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from assessments.models import Course

from .actors import Actor, actor_from_launch
from .models import RubricVersion
from .qa_handoff import console_actor


@dataclass(frozen=True)
class InstructorScope:
    actor: Actor
    course: Course


def instructor_scope(request: HttpRequest) -> InstructorScope:
    """The course of the launch, for an instructor of it; 403 otherwise."""
    launch = request.lti_launch
    if not launch.is_instructor or not launch.course_id:
        raise PermissionDenied("Open Credbridge from your course as an instructor.")
    course = get_object_or_404(Course, pk=launch.course_id, platform_id=launch.platform_id)
    return InstructorScope(actor=actor_from_launch(launch), course=course)


@dataclass(frozen=True)
class QAAccess:
    actor: Actor
    base_template: str = "base_console.html"


def qa_scope(request: HttpRequest) -> QAAccess | HttpResponse:
    """The QA actor of the console session, or a redirect to the console login; 403 when
    signed in without QA rights.

    Only a Django session counts here, never a launch token: the console keeps Django's CSRF
    check, which a launch token must not switch off. An LMS administrator reaches the console
    through the handoff (`qa_handoff`), which opens such a session.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "/qa/login/")
    actor = console_actor(request)
    if not actor.qa_platform_ids:
        raise PermissionDenied(
            "Your account is not in the Quality assurance group for any institution."
        )
    return QAAccess(actor=actor)


def qa_version(scope: QAAccess, version_id: int) -> RubricVersion:
    """A version of a course on one of the QA actor's platforms (404 otherwise)."""
    return get_object_or_404(
        RubricVersion.objects.select_related("rubric__course__platform"),
        pk=version_id,
        rubric__course__platform_id__in=scope.actor.qa_platform_ids,
    )
