"""The guided setup a first-time instructor follows: achievement → rubric → line items in the
LMS → preview → submit for QA, with a checklist showing what is done.

The rubric editor, the line-item creation and the review workflow belong to the rubrics app;
this page walks through them in order and does the awarding parts (achievement, rule).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.models import Course
from lti_tool.launch_context import LaunchRequest, present_launch
from rubrics.actors import actor_from_launch
from rubrics.preview import preview_version
from rubrics.workflow import WorkflowError

from ..access import instructor_required, launch_actor
from ..credential_setup import save_achievement, submit_for_review
from ..forms import AchievementForm, GradebookColumnForm, RuleModeForm
from ..models import AwardingRule
from ..rule_settings import set_gradebook_column
from ..selectors import active_rules
from ..setup_selectors import course_in_setup, setup_state


def _rubric_editor_url(version) -> str:
    """The rubrics app's editor (engineer RUBRICS owns it): the version, or the course's list."""
    if version is not None:
        return reverse("rubrics:version", args=[version.pk])
    return reverse("rubrics:course_rubrics")


def _chosen_version(request: LaunchRequest) -> int | None:
    """The version the rubric editor's "Submit for QA review" names (?version= / a field)."""
    raw = request.POST.get("version") or request.GET.get("version") or ""
    return int(raw) if raw.isdigit() else None


def _setup_state(course: Course, version_id: int | None = None) -> dict:
    state = setup_state(course, version_id)
    return {**state, "rubric_url": _rubric_editor_url(state["version"])}


@instructor_required
def setup_home(request: LaunchRequest, *, course: Course) -> HttpResponse:
    state = _setup_state(course, _chosen_version(request))
    preview = None
    version = state["version"]
    steps = {s.key: s for s in state["steps"]}
    if version is not None and steps["line_items"].done:
        preview = preview_version(version=version)
    return render(
        request,
        "awarding/setup.html",
        {
            **state,
            "course": course,
            "preview": preview,
            "mode_form": RuleModeForm(),
            "gradebook_rules": [
                (rule, GradebookColumnForm(initial={"gradebook_column": rule.gradebook_column}))
                for rule in active_rules(course)
            ],
        },
    )


@require_POST
@instructor_required
def setup_gradebook(request: LaunchRequest, rule_id: int, *, course: Course) -> HttpResponse:
    """Turn the rule's credential column on or off. On: the column is created in the LMS now
    (so the teacher can exclude it from the total at once) and credentials already issued
    are posted; off: nothing more is posted (scores already there stay until the column is
    deleted in the LMS, or are erased one by one by revocations)."""
    rule = get_object_or_404(AwardingRule, pk=rule_id, course=course, active=True)
    back = redirect(f"{reverse('awarding:setup')}?lt={request.lti_launch.token}#gradebook")
    form = GradebookColumnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to post a credential column."))
        return back
    change = set_gradebook_column(
        actor=launch_actor(request), rule=rule, on=form.cleaned_data["gradebook_column"]
    )
    if not change.on:
        messages.success(request, _("Off: Credbridge posts no credential scores to the LMS."))
    elif change.line_item is None:
        messages.warning(
            request,
            _(
                "On. The LMS did not create the column yet (%(error)s); it is tried again with "
                "the first credential."
            )
            % {"error": change.lms_error},
        )
    else:
        messages.success(
            request,
            _(
                "On: the column “%(label)s” is in the LMS gradebook. Exclude it from the course "
                "total now (see below)."
            )
            % {"label": change.line_item.label},
        )
    return back


@instructor_required
def setup_achievement(request: LaunchRequest, *, course: Course) -> HttpResponse:
    new = request.GET.get("new") == "1"  # "set up another credential"
    achievement = None if new else course_in_setup(course)[0]
    if request.method != "POST":
        form = AchievementForm(instance=achievement)
        return render(
            request,
            "awarding/setup_achievement.html",
            {"form": form, "course": course, "new": new},
        )
    form = AchievementForm(request.POST, request.FILES, instance=achievement)
    if not form.is_valid():
        return render(
            request,
            "awarding/setup_achievement.html",
            {"form": form, "course": course, "new": new},
            status=400,
        )
    saved = save_achievement(
        actor=launch_actor(request),
        course=course,
        achievement=form.save(commit=False),
        created_by_sub=present_launch(request).user_sub,
    )
    messages.success(request, _("Saved the credential “%(name)s”.") % {"name": saved.name})
    return redirect(f"{reverse('awarding:setup')}?lt={request.lti_launch.token}")


@require_POST
@instructor_required
def setup_submit(request: LaunchRequest, *, course: Course) -> HttpResponse:
    version_id = _chosen_version(request)
    state = _setup_state(course, version_id)
    chosen = f"&version={version_id}" if version_id else ""
    back = redirect(f"{reverse('awarding:setup')}?lt={request.lti_launch.token}{chosen}")
    achievement, rubric, version = state["achievement"], state["rubric"], state["version"]
    if achievement is None or rubric is None or version is None:
        messages.error(request, _("Describe the credential and write its rubric first."))
        return back
    mode_form = RuleModeForm(request.POST)
    if not mode_form.is_valid():
        messages.error(request, _("Choose what happens when a learner meets the rubric."))
        return back
    try:
        submit_for_review(
            actor=actor_from_launch(present_launch(request)),
            course=course,
            achievement=achievement,
            rubric=rubric,
            version=version,
            mode=mode_form.cleaned_data["mode"],
            created_by_sub=present_launch(request).user_sub,
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return back
    messages.success(
        request,
        _("Submitted for quality assurance. Credentials go out once a QA colleague approves it."),
    )
    return back
