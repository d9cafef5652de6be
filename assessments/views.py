"""Sync now / sync status, for the instructor of the launch's course (launch token auth).

The launch token (form field `lt` or header `X-Launch-Token`, never a cookie) is what
authorises these requests, so it also serves as their anti-forgery token: a cross-site
form cannot know it. That is why the POST view is CSRF-exempt.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from lti_tool.launch_context import LaunchRequest

from .models import Course, CourseNotice
from .sync_runs import latest_run
from .tasks import request_sync, sync_in_flight


def _course_of_launch(request: LaunchRequest, course_id: int, *, instructor: bool) -> Course | None:
    launch = request.lti_launch
    if not launch.present or launch.course_id != course_id:
        return None
    if instructor and not launch.is_instructor:
        return None
    return get_object_or_404(Course, pk=course_id, platform_id=launch.platform_id)


def _wants_fragment(request: LaunchRequest) -> bool:
    return request.headers.get("HX-Request") == "true" or request.GET.get("format") == "html"


def status_data(*, course: Course, for_instructor: bool) -> dict[str, Any]:
    run = latest_run(course)  # a run whose worker died is recorded failed first
    data: dict[str, Any] = {
        "course_id": course.pk,
        "in_flight": sync_in_flight(course_id=course.pk),
        "concluded": course.concluded,
        "last_run": None,
    }
    if run is not None:
        data["last_run"] = {
            "outcome": run.outcome,
            "outcome_label": run.get_outcome_display(),
            "trigger": run.trigger,
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "pages": run.pages,
            "new_results": run.new_results,
            "changed_results": run.changed_results,
            "unchanged_results": run.unchanged_results,
            "error": run.error if for_instructor else "",
            # What the LMS answered (sanitised when stored), and what needs a look.
            "detail": run.detail if for_instructor else "",
            "warnings": list(run.warnings or []) if for_instructor else [],
        }
    if for_instructor:
        data["notices"] = [
            {"kind": n.kind, "message": n.message, "created_at": n.created_at.isoformat()}
            for n in CourseNotice.objects.filter(course=course, dismissed=False).order_by(
                "-created_at"
            )[:5]
        ]
    return data


@csrf_exempt
@require_POST
def sync_now(request: LaunchRequest, course_id: int) -> HttpResponse:
    # The token must come with the POST itself (form or header), not from the URL.
    posted = request.POST.get("lt") or request.headers.get("X-Launch-Token")
    if not posted or posted != getattr(request.lti_launch, "token", ""):
        return JsonResponse({"error": "A launch token is required."}, status=403)
    course = _course_of_launch(request, course_id, instructor=True)
    if course is None:
        return JsonResponse({"error": "Only an instructor of this course may sync it."}, status=403)
    latest_run(course)  # a dead run's lock is released, so this sync may start
    queued = False if course.concluded else request_sync(course_id=course.pk, trigger="manual")
    data = {**status_data(course=course, for_instructor=True), "queued": queued}
    if _wants_fragment(request):
        return render(request, "assessments/_sync_status.html", {"status": data}, status=202)
    return JsonResponse(data, status=202)


@require_GET
def sync_status(request: LaunchRequest, course_id: int) -> HttpResponse:
    course = _course_of_launch(request, course_id, instructor=False)
    if course is None:
        return JsonResponse({"error": "Open Credbridge from this course first."}, status=403)
    data = status_data(course=course, for_instructor=request.lti_launch.is_instructor)
    if _wants_fragment(request):
        return render(request, "assessments/_sync_status.html", {"status": data})
    return JsonResponse(data)
