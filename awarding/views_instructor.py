"""The instructor's course dashboard inside the LMS: progress, awards, sync, CSV export.

Every query is scoped to the launch's course (and, through it, its platform); an award or
rule id from the URL that belongs to another course is a 404, never someone else's record.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.models import Course, Learner
from assessments.sync_runs import latest_run
from rubrics.evidence import deleted_bindings
from rubrics.spec import version_spec_to_dict

from . import views_grid
from .forms import ReasonForm, RuleModeForm
from .models import Award, AwardingRule, Decision
from .rules import active_version
from .views_access import instructor_required
from .views_csv import DECISION_HEADER, csv_response, decision_rows

ROWS_PER_PAGE = 100


def launch_actor(request: HttpRequest) -> str:
    """How a person acting through a launch is named in audit events and award records."""
    launch = request.lti_launch
    return f"lti:{launch.platform_id}:{launch.user_sub}"


def _with_token(request: HttpRequest, url: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}lt={request.lti_launch.token}"


def _back_to_dashboard(request: HttpRequest) -> HttpResponse:
    return redirect(_with_token(request, reverse("awarding:instructor_dashboard")))


def sync_url(course: Course) -> str:
    """The assessments app's "Sync now" endpoint (engineer SYNC owns the view)."""
    return reverse("assessments:sync_now", args=[course.pk])


def course_learners(course: Course) -> list[tuple[int, str]]:
    """People with a learner role in the course, plus anyone already evaluated in it."""
    people: dict[int, str] = {}
    enrolments = course.enrolments.filter(active=True).select_related("learner")
    for e in enrolments:
        roles = " ".join(str(r) for r in (e.roles or [])).casefold()
        if not roles or "learner" in roles or "student" in roles:
            people[e.learner_id] = e.learner.name or e.learner.sub
    evaluated = Learner.objects.filter(decisions__course=course).exclude(pk__in=people).distinct()
    for learner in evaluated:
        people[learner.pk] = learner.name or learner.sub
    return list(people.items())


def latest_decisions(course: Course, rule: AwardingRule) -> dict[int, tuple[dict, object]]:
    """learner id -> (result, decided_at) of the latest decision under this rule."""
    # Decisions are append-only, so the highest id per learner is the latest one.
    latest_ids = (
        Decision.objects.filter(course=course, rule=rule)
        .values("learner_id")
        .annotate(last=Max("pk"))
        .values("last")
    )
    return {
        d.learner_id: (d.result, d.decided_at)
        for d in Decision.objects.filter(pk__in=latest_ids).only(
            "learner_id", "result", "decided_at"
        )
    }


def awards_by_learner(course: Course, rule: AwardingRule) -> dict[int, Award]:
    """learner id -> live award of the rule's achievement (else the latest revoked one)."""
    found: dict[int, Award] = {}
    awards = Award.objects.filter(course=course, achievement_id=rule.achievement_id).order_by(
        "created_at", "pk"
    )
    for award in awards:
        current = found.get(award.learner_id)
        if current is None or award.is_live or not current.is_live:
            found[award.learner_id] = award
    return found


def rule_columns(rule: AwardingRule, decisions: dict[int, tuple[dict, object]]) -> list:
    """Criteria of the rule's active rubric version when there is one, else those decided on."""
    version = active_version(rubric_id=rule.rubric_id)
    if version is not None:
        return views_grid.columns_of_spec(version_spec_to_dict(version.to_spec()))
    return views_grid.columns_of(result for result, _at in decisions.values())


def _deleted_columns(rule: AwardingRule) -> list[tuple[str, str, str]]:
    """Criteria of the active version whose column was deleted in the LMS (nothing awards)."""
    version = active_version(rubric_id=rule.rubric_id)
    return deleted_bindings(version=version) if version is not None else []


@require_GET
@instructor_required
def instructor_dashboard(request: HttpRequest, *, course: Course) -> HttpResponse:
    rules = list(
        AwardingRule.objects.filter(course=course, active=True)
        .select_related("achievement")
        .order_by("pk")
    )
    learners = course_learners(course)
    paginator = Paginator(sorted(learners, key=lambda i: (i[1].casefold(), i[0])), ROWS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page_learners = list(page.object_list)
    tables = []
    for rule in rules:
        decisions = latest_decisions(course, rule)
        columns = rule_columns(rule, decisions)
        all_rows = views_grid.build_rows(
            learners=learners, decisions=decisions, awards={}, columns=columns
        )
        awards = awards_by_learner(course, rule)
        rows = views_grid.build_rows(
            learners=page_learners, decisions=decisions, awards=awards, columns=columns
        )
        held = [a for a in awards.values() if a.state == Award.State.HELD]
        flagged = [a for a in awards.values() if a.state == Award.State.FLAGGED]
        tables.append(
            {
                "rule": rule,
                "columns": columns,
                "rows": rows,
                "counts": views_grid.outcome_counts(all_rows),
                "issued": sum(1 for a in awards.values() if a.state == Award.State.ISSUED),
                "held": held,
                "flagged": flagged,
                "mode_form": RuleModeForm(initial={"mode": rule.mode}),
                "deleted_columns": _deleted_columns(rule),
            }
        )
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
            "reason_form": ReasonForm(),
        },
    )


def _course_award(course: Course, award_uuid: object) -> Award:
    return get_object_or_404(
        Award.objects.select_related("learner", "achievement"), uuid=award_uuid, course=course
    )


@require_POST
@instructor_required
def confirm_award(request: HttpRequest, award_uuid: object, *, course: Course) -> HttpResponse:
    award = _course_award(course, award_uuid)
    if award.state != Award.State.HELD:
        messages.error(request, _("Only an award waiting for confirmation can be confirmed."))
        return _back_to_dashboard(request)
    # Imported here: the pipeline's revoke module pulls in the credentials signing stack.
    from .revoke import AwardActionError
    from .revoke import confirm_award as confirm

    try:
        confirm(award=award, actor=launch_actor(request))
    except AwardActionError as exc:
        messages.error(request, str(exc))
        return _back_to_dashboard(request)
    messages.success(
        request, _("Confirmed: %(name)s's credential is being issued.") % {"name": award.learner}
    )
    return _back_to_dashboard(request)


@instructor_required
def revoke_award(request: HttpRequest, award_uuid: object, *, course: Course) -> HttpResponse:
    award = _course_award(course, award_uuid)
    if request.method == "POST":
        form = ReasonForm(request.POST)
        if not award.is_live:
            messages.error(request, _("This award is already revoked."))
            return _back_to_dashboard(request)
        if form.is_valid():
            from .revoke import AwardActionError
            from .revoke import revoke_award as revoke

            try:
                revoke(award=award, reason=form.cleaned_data["reason"], actor=launch_actor(request))
            except AwardActionError as exc:
                messages.error(request, str(exc))
                return _back_to_dashboard(request)
            messages.success(request, _("Revoked %(name)s's credential.") % {"name": award.learner})
            return _back_to_dashboard(request)
    else:
        form = ReasonForm()
    return render(
        request,
        "awarding/revoke.html",
        {"award": award, "form": form, "course": course},
        status=400 if form.is_bound else 200,
    )


@require_POST
@instructor_required
def set_rule_mode(request: HttpRequest, rule_id: int, *, course: Course) -> HttpResponse:
    rule = get_object_or_404(AwardingRule, pk=rule_id, course=course)
    form = RuleModeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how awards are made."))
        return _back_to_dashboard(request)
    before = rule.mode
    rule.mode = form.cleaned_data["mode"]
    rule.save(update_fields=["mode"])
    from audit.events import record_event

    record_event(
        actor=launch_actor(request),
        action="awarding.rule.mode",
        object_type="awarding.AwardingRule",
        object_id=str(rule.pk),
        before={"mode": before},
        after={"mode": rule.mode},
        platform_id=course.platform_id,
    )
    messages.success(request, _("Saved: %(mode)s.") % {"mode": rule.get_mode_display()})
    return _back_to_dashboard(request)


@require_GET
@instructor_required
def export_decisions(request: HttpRequest, *, course: Course) -> HttpResponse:
    decisions = (
        Decision.objects.filter(course=course)
        .select_related("learner", "achievement")
        .order_by("decided_at", "pk")
    )
    return csv_response(
        f"credbridge-decisions-course-{course.pk}.csv",
        DECISION_HEADER,
        decision_rows(decisions.iterator(chunk_size=500)),
    )
