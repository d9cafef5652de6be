"""QA console pages for awards (Django auth): decisions with their evidence, flagged awards,
revocations and reports. A QA user sees and acts on the platforms they are linked to only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.models import Course

from . import award_reports, decision_grid
from .access import qa_required, scope_to_platforms
from .csv_export import DECISION_HEADER, csv_response, decision_rows
from .flags import clear_flag
from .forms import DecisionFilterForm, ReasonForm
from .models import Achievement, Award, Decision

PER_PAGE = 50


def user_actor(request: HttpRequest) -> str:
    """`user:<pk>`, or for an LMS administrator's handoff session the `lti:<platform>:<sub>`
    the rest of the tool knows that person by (audit events, four eyes)."""
    from rubrics.qa_handoff import console_actor

    return console_actor(request).id


def _decisions(platform_ids: set[int] | None) -> QuerySet[Decision]:
    return scope_to_platforms(Decision.objects.all(), platform_ids, "course__platform_id")


def _awards(platform_ids: set[int] | None) -> QuerySet[Award]:
    return scope_to_platforms(Award.objects.all(), platform_ids, "course__platform_id")


def _filtered(request: HttpRequest, platform_ids: set[int] | None):
    courses = scope_to_platforms(Course.objects.all(), platform_ids, "platform_id").order_by(
        "title", "pk"
    )
    achievements = scope_to_platforms(Achievement.objects.all(), platform_ids, "platform_id")
    form = DecisionFilterForm(
        request.GET or None, courses=courses, achievements=achievements.order_by("name", "pk")
    )
    decisions = _decisions(platform_ids)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("course"):
            decisions = decisions.filter(course_id=data["course"])
        if data.get("achievement"):
            decisions = decisions.filter(achievement_id=data["achievement"])
        if data.get("outcome"):
            decisions = decisions.filter(outcome=data["outcome"])
    return form, decisions


@require_GET
@qa_required
def decisions(request: HttpRequest, *, platform_ids: set[int] | None) -> HttpResponse:
    form, found = _filtered(request, platform_ids)
    page = Paginator(
        found.select_related("learner", "achievement", "course").order_by("-decided_at", "-pk"),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "awarding/qa/decisions.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_GET
@qa_required
def decisions_csv(request: HttpRequest, *, platform_ids: set[int] | None) -> HttpResponse:
    _form, found = _filtered(request, platform_ids)
    found = found.select_related("learner", "achievement").order_by("decided_at", "pk")
    return csv_response(
        "credbridge-decisions.csv", DECISION_HEADER, decision_rows(found.iterator(chunk_size=500))
    )


@require_GET
@qa_required
def decision_detail(
    request: HttpRequest, decision_id: int, *, platform_ids: set[int] | None
) -> HttpResponse:
    decision = get_object_or_404(
        _decisions(platform_ids).select_related("learner", "achievement", "course", "rule"),
        pk=decision_id,
    )
    result = decision.result or {}
    columns = decision_grid.columns_of([result])
    awards = _awards(platform_ids).filter(
        learner=decision.learner, achievement=decision.achievement
    )
    return render(
        request,
        "awarding/qa/decision.html",
        {
            "decision": decision,
            "rows": list(zip(columns, decision_grid.cells_of(result, columns), strict=True)),
            "reasons": result.get("reasons", ()),
            # Every observation evaluated (all revisions), not only the one that counted.
            "observations": sorted((decision.evidence or {}).items()),
            "awards": awards.order_by("-created_at"),
            "reason_form": ReasonForm(),
        },
    )


@qa_required
def flagged(request: HttpRequest, *, platform_ids: set[int] | None) -> HttpResponse:
    if request.method == "POST":
        # "Keep": QA reviewed both snapshots and the award stands.
        award = get_object_or_404(
            _awards(platform_ids), uuid=request.POST.get("award"), state=Award.State.FLAGGED
        )
        clear_flag(award=award, decision=None, actor=user_actor(request), note="kept by QA")
        messages.success(request, _("Kept the award of %(name)s.") % {"name": award.learner})
        return redirect("awarding:qa_flagged")
    awards = (
        _awards(platform_ids)
        .filter(state=Award.State.FLAGGED)
        .select_related("learner", "achievement", "course", "decision", "flag_decision")
        .order_by("-flagged_at", "-pk")
    )
    items = []
    for award in awards[:200]:
        before = award.decision.result or {}
        after = (award.flag_decision.result if award.flag_decision else None) or {}
        columns = decision_grid.columns_of([before, after])
        items.append(
            {
                "award": award,
                "rows": list(
                    zip(
                        columns,
                        decision_grid.cells_of(before, columns),
                        decision_grid.cells_of(after, columns),
                        strict=True,
                    )
                ),
            }
        )
    return render(
        request, "awarding/qa/flagged.html", {"items": items, "reason_form": ReasonForm()}
    )


@require_GET
@qa_required
def revocations(request: HttpRequest, *, platform_ids: set[int] | None) -> HttpResponse:
    page = Paginator(
        _awards(platform_ids)
        .filter(state=Award.State.REVOKED)
        .select_related("learner", "achievement", "course")
        .order_by("-revoked_at", "-pk"),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(request, "awarding/qa/revocations.html", {"page": page})


@require_POST
@qa_required
def revoke(
    request: HttpRequest, award_uuid: object, *, platform_ids: set[int] | None
) -> HttpResponse:
    from .revoke import AwardActionError, revoke_award

    award = get_object_or_404(_awards(platform_ids).select_related("learner"), uuid=award_uuid)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [_("A reason is needed.")])))
        return _back(request, "awarding:qa_flagged")
    try:
        revoke_award(award=award, reason=form.cleaned_data["reason"], actor=user_actor(request))
    except AwardActionError as exc:
        messages.error(request, str(exc))
    else:
        done = _("Revoked the credential of %(name)s.") % {"name": award.learner}
        messages.success(request, done)
    return redirect("awarding:qa_revocations")


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the form was on: a path of this site only, never a posted foreign URL
    (an open redirect would lend the tool's name to a phishing page)."""
    target = str(request.POST.get("next_page") or "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(fallback)


def _report_data(platform_ids: set[int] | None) -> dict:
    awards = _awards(platform_ids).select_related("achievement", "course")
    per_rule = award_reports.awards_per_rule(
        (a.rule_id, f"{a.achievement.name} — {a.course}", a.state) for a in awards.iterator()
    )
    decisions = _decisions(platform_ids)
    latest_ids = decisions.values("rule_id", "learner_id").annotate(last=Max("pk")).values("last")
    latest = Decision.objects.filter(pk__in=latest_ids).select_related("achievement", "course")
    rates = award_reports.pass_rates(
        (f"{d.achievement.name} — {d.course}", d.result or {}) for d in latest.iterator()
    )
    issued = (
        _awards(platform_ids)
        .filter(issued_at__isnull=False)
        .select_related("decision")
        .only("issued_at", "decision__result")
    )
    latency = award_reports.grade_to_credential(
        (a.decision.result or {}, a.issued_at) for a in issued.iterator()
    )
    return {"per_rule": per_rule, "rates": rates, "latency": latency}


@require_GET
@qa_required
def reports(request: HttpRequest, *, platform_ids: set[int] | None) -> HttpResponse:
    return render(request, "awarding/qa/reports.html", _report_data(platform_ids))


@require_GET
@qa_required
def reports_csv(request: HttpRequest, *, platform_ids: set[int] | None) -> HttpResponse:
    data = _report_data(platform_ids)
    rows: list[list[object]] = []
    for r in data["per_rule"]:
        for state, n in sorted(r.by_state.items()):
            rows.append(["awards_per_rule", r.label, state, n, ""])
    for c in data["rates"]:
        rate = "" if c.rate is None else f"{c.rate:.4f}"
        rows.append(["pass_rate", c.rule_label, c.key, f"{c.passed}/{c.evaluated}", rate])
    lat = data["latency"]
    for name in ("median_s", "p90_s", "max_s"):
        value = getattr(lat, name)
        rows.append(["grade_to_credential", name, lat.count, "", "" if value is None else value])
    return csv_response(
        "credbridge-reports.csv", ("report", "subject", "key", "count", "value"), rows
    )
