"""Inside the LMS: an instructor asks to revoke, suspend or reinstate a credential, follows the
request, withdraws it, and — where the institution allows it — another instructor of the
course confirms or declines it. The work is in awarding.status_changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.models import Course
from lti_tool.launch_context import LaunchRequest, present_launch

from ..access import instructor_required, launch_actor
from ..forms import DeclineForm, StatusChangeRequestForm
from ..models import Award, StatusChange
from ..status_changes import (
    StatusChangeError,
    applicable_actions,
    colleagues_may_confirm,
    confirm_status_change,
    decline_status_change,
    request_status_change,
    withdraw_status_change,
)

DECISION_STEPS = ("confirm", "decline", "withdraw")


def _to(request: LaunchRequest, name: str, *args: object) -> HttpResponse:
    return redirect(f"{reverse(name, args=args)}?lt={request.lti_launch.token}")


def _actor_name(request: LaunchRequest) -> str:
    return present_launch(request).name


@instructor_required
def request_change(
    request: LaunchRequest, award_uuid: object, action: str, *, course: Course
) -> HttpResponse:
    award = get_object_or_404(
        Award.objects.select_related("learner", "achievement", "credential"),
        uuid=award_uuid,
        course=course,
    )
    if action not in applicable_actions(award):
        messages.error(request, _("This change does not apply to the credential as it is."))
        return _to(request, "awarding:instructor_dashboard")
    form = StatusChangeRequestForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            change = request_status_change(
                award=award,
                action=action,
                private_reason=form.cleaned_data["private_reason"],
                public_category=form.cleaned_data.get("public_category", ""),
                actor=launch_actor(request),
                actor_name=_actor_name(request),
            )
        except StatusChangeError as exc:
            messages.error(request, str(exc))
            return _to(request, "awarding:instructor_dashboard")
        messages.success(
            request,
            _("Asked. Nothing changes until a second person confirms your request."),
        )
        return _to(request, "awarding:status_change", change.uuid)
    return render(
        request,
        "awarding/status_change_request.html",
        {
            "award": award,
            "action": action,
            "action_label": StatusChange.Action(action).label,
            "form": form,
            "course": course,
            "colleagues_confirm": colleagues_may_confirm(course.platform_id),
        },
        status=400 if form.is_bound else 200,
    )


def _course_change(course: Course, change_uuid: object) -> StatusChange:
    return get_object_or_404(
        StatusChange.objects.select_related(
            "award__learner", "award__achievement", "award__course"
        ),
        uuid=change_uuid,
        award__course=course,
    )


@require_GET
@instructor_required
def change_detail(request: LaunchRequest, change_uuid: object, *, course: Course) -> HttpResponse:
    change = _course_change(course, change_uuid)
    mine = change.requested_by == launch_actor(request)
    open_ = change.state == StatusChange.State.REQUESTED
    return render(
        request,
        "awarding/status_change.html",
        {
            "change": change,
            "course": course,
            "mine": mine,
            "may_withdraw": open_ and mine,
            "may_decide": open_ and not mine and colleagues_may_confirm(course.platform_id),
            "decline_form": DeclineForm(),
        },
    )


@require_POST
@instructor_required
def decide_change(
    request: LaunchRequest, change_uuid: object, step: str, *, course: Course
) -> HttpResponse:
    if step not in DECISION_STEPS:
        raise Http404
    change = _course_change(course, change_uuid)
    actor = launch_actor(request)
    try:
        if step == "confirm":
            confirm_status_change(
                change=change, actor=actor, as_qa=False, actor_name=_actor_name(request)
            )
            messages.success(
                request, _("Confirmed: the credential has changed and the learner is told.")
            )
        elif step == "decline":
            form = DeclineForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            decline_status_change(
                change=change, actor=actor, as_qa=False, note=note, actor_name=_actor_name(request)
            )
            messages.success(request, _("Declined: the credential stays as it is."))
        else:
            withdraw_status_change(change=change, actor=actor)
            messages.success(request, _("Withdrawn: the credential stays as it is."))
    except StatusChangeError as exc:
        messages.error(request, str(exc))
    return _to(request, "awarding:status_change", change.uuid)
