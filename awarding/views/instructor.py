"""The instructor's course dashboard inside the LMS: progress, awards, sync, CSV export.
(Revoking and suspending are requests a second person confirms: views/status_changes.py.)

Every query is scoped to the launch's course (and, through it, its platform); an award or
rule id from the URL that belongs to another course is a 404, never someone else's record.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.models import Course
from assessments.sync_runs import latest_run
from lti_tool.launch_context import LaunchRequest

from ..access import instructor_required, launch_actor
from ..csv_export import DECISION_HEADER, csv_response, decision_rows
from ..forms import RuleModeForm
from ..models import Award, AwardingRule
from ..revoke import AwardActionError
from ..revoke import confirm_award as confirm
from ..rule_settings import set_rule_mode as set_rule_mode_service
from ..selectors import course_decisions, course_learners, open_status_changes, rule_tables

ROWS_PER_PAGE = 100


def _with_token(request: LaunchRequest, url: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}lt={request.lti_launch.token}"


def _back_to_dashboard(request: LaunchRequest) -> HttpResponse:
    return redirect(_with_token(request, reverse("awarding:instructor_dashboard")))


def sync_url(course: Course) -> str:
    """The assessments app's "Sync now" endpoint (engineer SYNC owns the view)."""
    return reverse("assessments:sync_now", args=[course.pk])


@require_GET
@instructor_required
def instructor_dashboard(request: LaunchRequest, *, course: Course) -> HttpResponse:
    learners = course_learners(course)
    paginator = Paginator(sorted(learners, key=lambda i: (i[1].casefold(), i[0])), ROWS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    tables = [
        {**table, "mode_form": RuleModeForm(initial={"mode": table["rule"].mode})}
        for table in rule_tables(course, learners=learners, page_learners=list(page.object_list))
    ]
    last_sync = latest_run(course)  # a run whose worker died shows as failed, not running
    return render(
        request,
        "awarding/instructor_dashboard.html",
        {
            "course": course,
            "tables": tables,
            "page": page,
            "last_sync": last_sync,
            "sync_url": sync_url(course),
            "sync_status_url": reverse("assessments:sync_status", args=[course.pk]),
            "open_changes": open_status_changes(course),
        },
    )


def _course_award(course: Course, award_uuid: object) -> Award:
    return get_object_or_404(
        Award.objects.select_related("learner", "achievement"), uuid=award_uuid, course=course
    )


@require_POST
@instructor_required
def confirm_award(request: LaunchRequest, award_uuid: object, *, course: Course) -> HttpResponse:
    award = _course_award(course, award_uuid)
    if award.state != Award.State.HELD:
        messages.error(request, _("Only an award waiting for confirmation can be confirmed."))
        return _back_to_dashboard(request)
    try:
        confirm(award=award, actor=launch_actor(request))
    except AwardActionError as exc:
        messages.error(request, str(exc))
        return _back_to_dashboard(request)
    messages.success(
        request, _("Confirmed: %(name)s's credential is being issued.") % {"name": award.learner}
    )
    return _back_to_dashboard(request)


@require_POST
@instructor_required
def set_rule_mode(request: LaunchRequest, rule_id: int, *, course: Course) -> HttpResponse:
    rule = get_object_or_404(AwardingRule, pk=rule_id, course=course)
    form = RuleModeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how awards are made."))
        return _back_to_dashboard(request)
    rule = set_rule_mode_service(
        actor=launch_actor(request), rule=rule, mode=form.cleaned_data["mode"]
    )
    messages.success(request, _("Saved: %(mode)s.") % {"mode": rule.get_mode_display()})
    return _back_to_dashboard(request)


@require_GET
@instructor_required
def export_decisions(request: LaunchRequest, *, course: Course) -> HttpResponse:
    return csv_response(
        f"credbridge-decisions-course-{course.pk}.csv",
        DECISION_HEADER,
        decision_rows(course_decisions(course).iterator(chunk_size=500)),
    )
