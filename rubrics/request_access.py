"""Who may open the rubric editor, from the request: the launch of an instructor. Views call
this first; the workflow checks again on every change. (The QA console's access is its own,
in qa_console.access.)"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from assessments.models import Course
from lti_tool.launch_context import LaunchRequest

from .actors import Actor, actor_from_launch


@dataclass(frozen=True)
class InstructorScope:
    actor: Actor
    course: Course


def instructor_scope(request: LaunchRequest) -> InstructorScope:
    """The course of the launch, for an instructor of it; 403 otherwise."""
    launch = request.lti_launch
    if not launch.is_instructor or not launch.course_id:
        raise PermissionDenied("Open Credbridge from your course as an instructor.")
    course = get_object_or_404(Course, pk=launch.course_id, platform_id=launch.platform_id)
    return InstructorScope(actor=actor_from_launch(launch), course=course)
