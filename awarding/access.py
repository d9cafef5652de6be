"""Who may see which awarding page, decided once per request.

Inside the LMS the only identity is the verified launch (`request.lti_launch`): an
instructor acts in the launch's course only, a learner sees only their own records. (The QA
console, with Django auth, is the qa_console app.)

Pages inside the LMS iframe cannot rely on cookies (browsers block them in third-party
frames), so their views opt in to `launch_csrf`: the signed launch token posted with the form
stands in for the CSRF cookie (a cross-site attacker cannot know it), for that launch only and
never next to a signed-in Django session.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from assessments.models import Course, Learner
from lti_tool.launch_context import LaunchContext, LaunchRequest, present_launch
from lti_tool.launch_csrf import launch_csrf
from lti_tool.prepared_reads import BoundRead, PreparedRead, read_together

View = Callable[..., HttpResponse]

# Every page inside the LMS reads these two rows: SQL built once (ADR 0077), scoped to the
# launch's platform as well as the ids it named.
LAUNCH_COURSE: PreparedRead[Course] = PreparedRead(
    lambda pk, platform_id: (
        Course.objects.select_related("platform")
        .filter(pk=pk, platform_id=platform_id)
        .order_by("pk")[:1]
    ),
    params={"pk": int, "platform_id": int},
)
LAUNCH_LEARNER: PreparedRead[Learner] = PreparedRead(
    lambda pk, platform_id: Learner.objects.filter(pk=pk, platform_id=platform_id).order_by("pk")[
        :1
    ],
    params={"pk": int, "platform_id": int},
)


def refuse(request: HttpRequest, reason: str, *, status: int = 403) -> HttpResponse:
    """A clear page saying why, instead of a bare 403 (the LMS iframe shows it as is)."""
    return render(request, "awarding/refused.html", {"reason": reason}, status=status)


def launch_actor(request: LaunchRequest) -> str:
    """How a person acting through a launch is named in audit events and award records."""
    launch = present_launch(request)
    return f"lti:{launch.platform_id}:{launch.user_sub}"


def _launch_course(request: LaunchRequest) -> Course | None:
    launch = request.lti_launch
    if not isinstance(launch, LaunchContext) or not launch.present or launch.course_id is None:
        return None
    return LAUNCH_COURSE.first(pk=launch.course_id, platform_id=launch.platform_id)


def instructor_required(view: View) -> View:
    """The launch's instructor (or TA/admin) of the launch's course; passes `course`."""

    @launch_csrf
    @wraps(view)
    def wrapper(request: LaunchRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.lti_launch.present:
            return refuse(request, _("Open Credbridge from your course in the LMS."))
        if not request.lti_launch.is_instructor:
            return refuse(request, _("This page is for the instructors of the course."))
        course = _launch_course(request)
        if course is None:
            return refuse(request, _("This launch is not linked to a course."))
        return view(request, *args, course=course, **kwargs)

    return wrapper


# A learner page's own fixed reads: `reads(launch=..., course_id=..., learner_id=...)` of the
# launch's course and learner (`learner_page`), by name.
PageReads = Callable[..., Mapping[str, BoundRead[Any]]]


def learner_required(view: View) -> View:
    """Anyone launched into a course (learners, and staff looking at their own records);
    passes `course` and `learner` — the launch's own person, never one from the request."""
    return _learner_access(view, None)


def learner_page(reads: PageReads) -> Callable[[View], View]:
    """`learner_required`, with the page's own fixed reads of the launch's course and learner
    (by their ids) sent in the round trip that reads the two rows (ADR 0083); the view gets
    their answers as `ahead`, by the names `reads` gave them. Refused launches are refused as
    by `learner_required` (what was read for them is not used)."""
    return lambda view: _learner_access(view, reads)


def _learner_access(view: View, reads: PageReads | None) -> View:
    @launch_csrf
    @wraps(view)
    def wrapper(request: LaunchRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        launch = request.lti_launch
        if not isinstance(launch, LaunchContext) or not launch.present:
            return refuse(request, _("Open Credbridge from your course in the LMS."))
        if launch.course_id is None or launch.learner_id is None:
            return refuse(request, _("This launch is not linked to a course."))
        own = (
            reads(launch=launch, course_id=launch.course_id, learner_id=launch.learner_id)
            if reads is not None
            else {}
        )
        courses, learners, *answers = read_together(
            LAUNCH_COURSE.bound(pk=launch.course_id, platform_id=launch.platform_id),
            LAUNCH_LEARNER.bound(pk=launch.learner_id, platform_id=launch.platform_id),
            *own.values(),
        )
        if not courses or not learners:
            return refuse(request, _("This launch is not linked to a course."))
        if reads is not None:
            kwargs["ahead"] = dict(zip(own, answers, strict=True))
        return view(request, *args, course=courses[0], learner=learners[0], **kwargs)

    return wrapper
