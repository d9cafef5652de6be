"""The guided setup a first-time instructor follows: achievement → rubric → line items in the
LMS → preview → submit for QA, with a checklist showing what is done.

The rubric editor, the line-item creation and the review workflow belong to the rubrics app;
this page walks through them in order and does the awarding parts (achievement, rule).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.models import Course

from .forms import AchievementForm, GradebookColumnForm, RuleModeForm
from .models import Achievement, Award, AwardingRule
from .views_access import instructor_required

SUBMITTED_STATES = ("submitted", "approved", "active")


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done: bool
    current: bool
    hint: str


STEP_TITLES = {
    "achievement": gettext_lazy("Describe the credential"),
    "rubric": gettext_lazy("Write the rubric: criteria, thresholds, levels"),
    "line_items": gettext_lazy("Create the gradebook columns in the LMS"),
    "preview": gettext_lazy("Preview who would earn it"),
    "submit": gettext_lazy("Submit it for quality assurance"),
}


def checklist(
    *,
    has_achievement: bool,
    has_rubric: bool,
    criteria: int,
    unbound: int,
    version_state: str | None,
) -> list[Step]:
    """Which steps are done (pure). The first step not done is the current one."""
    submitted = version_state in SUBMITTED_STATES
    line_items_ready = criteria > 0 and unbound == 0
    done = {
        "achievement": has_achievement,
        "rubric": has_rubric and criteria > 0,
        "line_items": line_items_ready,
        # A preview is possible (and shown on this page) as soon as every column exists.
        "preview": line_items_ready,
        "submit": submitted,
    }
    hints = {
        "achievement": _("Name, description and what a learner must show."),
        "rubric": _("Add criteria with a threshold each; align them to DigComp if you like."),
        "line_items": _("One gradebook column per criterion: you grade there, as usual."),
        "preview": _("See who meets the rubric with the grades entered so far."),
        "submit": _(
            "A QA colleague reviews and approves it; credentials then go out by themselves."
        ),
    }
    steps = []
    current_found = False
    for key, title in STEP_TITLES.items():
        current = not done[key] and not current_found
        current_found = current_found or current
        steps.append(
            Step(key=key, title=str(title), done=done[key], current=current, hint=hints[key])
        )
    return steps


def _rubric_editor_url(version) -> str:
    """The rubrics app's editor (engineer RUBRICS owns it): the version, or the course's list."""
    if version is not None:
        return reverse("rubrics:version", args=[version.pk])
    return reverse("rubrics:course_rubrics")


def _in_setup(course: Course):
    """The achievement and rubric being set up: the newest ones no active rule binds yet
    (a course may award several credentials), else those of the newest rule."""
    from rubrics.models import Rubric

    rules = AwardingRule.objects.filter(course=course, active=True)
    bound_achievements = rules.values_list("achievement_id", flat=True)
    bound_rubrics = rules.values_list("rubric_id", flat=True)
    achievement = (
        Achievement.objects.filter(course=course)
        .exclude(pk__in=list(bound_achievements))
        .order_by("-pk")
        .first()
    )
    rubric = (
        Rubric.objects.filter(course=course)
        .exclude(pk__in=list(bound_rubrics))
        .order_by("-pk")
        .first()
    )
    if achievement is None:
        rule = rules.select_related("achievement", "rubric").order_by("-pk").first()
        if rule is not None:
            return rule.achievement, rule.rubric
    return achievement, rubric


def _setup_state(course: Course) -> dict:
    achievement, rubric = _in_setup(course)
    version = rubric.versions.order_by("-number").first() if rubric else None
    criteria = version.criteria.count() if version else 0
    unbound = version.criteria.filter(line_item__isnull=True).count() if version else 0
    steps = checklist(
        has_achievement=achievement is not None,
        has_rubric=rubric is not None,
        criteria=criteria,
        unbound=unbound,
        version_state=version.state if version else None,
    )
    return {
        "achievement": achievement,
        "rubric": rubric,
        "version": version,
        "steps": steps,
        "criteria_count": criteria,
        "rubric_url": _rubric_editor_url(version),
    }


@instructor_required
def setup_home(request: HttpRequest, *, course: Course) -> HttpResponse:
    state = _setup_state(course)
    preview = None
    version = state["version"]
    steps = {s.key: s for s in state["steps"]}
    if version is not None and steps["line_items"].done:
        from rubrics.preview import preview_version

        preview = preview_version(version=version)
    rules = AwardingRule.objects.filter(course=course, active=True).select_related("achievement")
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
                for rule in rules.order_by("pk")
            ],
        },
    )


@require_POST
@instructor_required
def setup_gradebook(request: HttpRequest, rule_id: int, *, course: Course) -> HttpResponse:
    """Turn the rule's credential column on or off. On: the column is created in the LMS now
    (so the teacher can exclude it from the total at once) and credentials already issued
    are posted; off: nothing more is posted (scores already there stay until the column is
    deleted in the LMS, or are erased one by one by revocations)."""
    from audit.events import record_event
    from lti_tool.services import errors

    from .postback import ensure_credential_line_item
    from .tasks import postback_awards_task

    rule = get_object_or_404(AwardingRule, pk=rule_id, course=course, active=True)
    back = redirect(f"{reverse('awarding:setup')}?lt={request.lti_launch.token}#gradebook")
    form = GradebookColumnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to post a credential column."))
        return back
    wanted = form.cleaned_data["gradebook_column"]
    before = rule.gradebook_column
    with transaction.atomic():
        rule.gradebook_column = wanted
        rule.save(update_fields=["gradebook_column"])
        record_event(
            actor=f"lti:{course.platform_id}:{request.lti_launch.user_sub}",
            action="awarding.rule.gradebook_column",
            object_type="awarding.AwardingRule",
            object_id=str(rule.pk),
            before={"gradebook_column": before},
            after={"gradebook_column": wanted},
            platform_id=course.platform_id,
        )
        waiting = []
        if wanted:
            waiting = list(
                Award.objects.filter(
                    rule=rule,
                    state__in=(Award.State.ISSUED, Award.State.FLAGGED),
                    postback_state=Award.PostbackState.OFF,
                ).values_list("pk", flat=True)
            )
            Award.objects.filter(pk__in=waiting).update(
                postback_state=Award.PostbackState.PENDING, postback_attempts=0
            )
    if not wanted:
        messages.success(request, _("Off: Credbridge posts no credential scores to the LMS."))
        return back
    # The column first, then the scores: two workers posting at once would each create one.
    try:
        item = ensure_credential_line_item(rule=rule)
    except (ValueError, errors.ServiceError) as exc:  # the first post-back tries again
        messages.warning(
            request,
            _(
                "On. The LMS did not create the column yet (%(error)s); it is tried again with "
                "the first credential."
            )
            % {"error": str(exc)[:300]},
        )
    else:
        messages.success(
            request,
            _(
                "On: the column “%(label)s” is in the LMS gradebook. Exclude it from the course "
                "total now (see below)."
            )
            % {"label": item.label},
        )
    if waiting:
        postback_awards_task.delay(award_ids=waiting)
    return back


@instructor_required
def setup_achievement(request: HttpRequest, *, course: Course) -> HttpResponse:
    new = request.GET.get("new") == "1"  # "set up another credential"
    achievement = None if new else _in_setup(course)[0]
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
    saved = form.save(commit=False)
    saved.platform_id = course.platform_id
    saved.course = course
    if not saved.created_by_sub:
        saved.created_by_sub = request.lti_launch.user_sub[:255]
    saved.save()
    messages.success(request, _("Saved the credential “%(name)s”.") % {"name": saved.name})
    return redirect(f"{reverse('awarding:setup')}?lt={request.lti_launch.token}")


@require_POST
@instructor_required
def setup_submit(request: HttpRequest, *, course: Course) -> HttpResponse:
    from rubrics.actors import actor_from_launch
    from rubrics.workflow import WorkflowError, submit

    state = _setup_state(course)
    back = redirect(f"{reverse('awarding:setup')}?lt={request.lti_launch.token}")
    achievement, rubric, version = state["achievement"], state["rubric"], state["version"]
    if achievement is None or rubric is None or version is None:
        messages.error(request, _("Describe the credential and write its rubric first."))
        return back
    mode_form = RuleModeForm(request.POST)
    if not mode_form.is_valid():
        messages.error(request, _("Choose what happens when a learner meets the rubric."))
        return back
    try:
        with transaction.atomic():
            if version.state == "draft":
                submit(version=version, actor=actor_from_launch(request.lti_launch))
            AwardingRule.objects.get_or_create(
                course=course,
                achievement=achievement,
                active=True,
                defaults={
                    "rubric": rubric,
                    "mode": mode_form.cleaned_data["mode"],
                    "created_by_sub": request.lti_launch.user_sub[:255],
                },
            )
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return back
    messages.success(
        request,
        _("Submitted for quality assurance. Credentials go out once a QA colleague approves it."),
    )
    return back
