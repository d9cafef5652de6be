"""Who may open which rubrics page, from the request: the launch (instructor, LMS
administrator) or the Django user (QA console). Views call these first; the workflow
checks again on every change."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from assessments.models import Course

from .actors import Actor, actor_from_launch, actor_from_user
from .models import RubricVersion


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
    in_lms: bool  # an LMS administrator inside the iframe (launch token) vs the console

    @property
    def base_template(self) -> str:
        return "base_lms.html" if self.in_lms else "base_console.html"


def qa_scope(request: HttpRequest) -> QAAccess | HttpResponse:
    """The QA actor, or a redirect to the console login; 403 when signed in without QA rights."""
    launch = request.lti_launch
    if launch.present and launch.is_admin:
        return QAAccess(actor=actor_from_launch(launch), in_lms=True)
    if launch.present:
        # From the LMS without an administrator role: no QA rights, and no console login
        # page inside the iframe either.
        raise PermissionDenied("Only quality assurance staff can review rubric versions.")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "/qa/login/")
    actor = actor_from_user(request.user)
    if not actor.qa_platform_ids:
        raise PermissionDenied(
            "Your account is not in the Quality assurance group for any institution."
        )
    return QAAccess(actor=actor, in_lms=False)


def qa_version(scope: QAAccess, version_id: int) -> RubricVersion:
    """A version of a course on one of the QA actor's platforms (404 otherwise)."""
    return get_object_or_404(
        RubricVersion.objects.select_related("rubric__course__platform"),
        pk=version_id,
        rubric__course__platform_id__in=scope.actor.qa_platform_ids,
    )
