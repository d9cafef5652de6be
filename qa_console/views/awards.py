"""Award pages of the QA console: decisions with their evidence, flagged awards (keep or
revoke) and revocations. A QA user sees and acts on the platforms they are linked to only;
every change goes through an awarding service that writes the audit entry with it.
"""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.models import Course
from awarding import decision_grid
from awarding.csv_export import DECISION_HEADER, decision_rows
from awarding.flags import clear_flag
from awarding.forms import ReasonForm
from awarding.models import Achievement, Award, Decision
from awarding.revoke import AwardActionError, revoke_award

from ..access import console_actor_id, qa_required, scope_to_platforms
from ..csv_stream import streaming_csv
from ..decision_words import criterion_titles, reason_sentences
from ..forms import DecisionFilterForm
from ..people import describe_actors
from ..selectors import awards_of, decisions_of

PER_PAGE = 50


def _filtered(
    request: HttpRequest, platform_ids: frozenset[int]
) -> tuple[DecisionFilterForm, QuerySet[Decision]]:
    courses = scope_to_platforms(Course.objects.all(), platform_ids, "platform_id").order_by(
        "title", "pk"
    )
    achievements = scope_to_platforms(Achievement.objects.all(), platform_ids, "platform_id")
    form = DecisionFilterForm(
        request.GET or None, courses=courses, achievements=achievements.order_by("name", "pk")
    )
    decisions = decisions_of(platform_ids)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("course"):
            decisions = decisions.filter(course_id=data["course"])
        if data.get("achievement"):
            decisions = decisions.filter(achievement_id=data["achievement"])
        if data.get("outcome"):
            decisions = decisions.filter(outcome=data["outcome"])
        if data.get("learner"):
            who = data["learner"]
            decisions = decisions.filter(
                Q(learner__name__icontains=who) | Q(learner__email__icontains=who)
            )
        tz = timezone.get_current_timezone()
        if data.get("since"):
            decisions = decisions.filter(
                decided_at__gte=datetime.combine(data["since"], time.min, tzinfo=tz)
            )
        if data.get("until"):
            decisions = decisions.filter(
                decided_at__lte=datetime.combine(data["until"], time.max, tzinfo=tz)
            )
    elif form.is_bound:
        decisions = decisions.none()  # a filter that does not parse matches nothing
    return form, decisions


@require_GET
@qa_required
def decisions(request: HttpRequest, *, platform_ids: frozenset[int]) -> HttpResponse:
    form, found = _filtered(request, platform_ids)
    page = Paginator(
        found.select_related("learner", "achievement", "course").order_by("-decided_at", "-pk"),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "qa_console/awards/decisions.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_GET
@qa_required
def decisions_csv(request: HttpRequest, *, platform_ids: frozenset[int]) -> HttpResponseBase:
    _form, found = _filtered(request, platform_ids)
    found = found.select_related("learner", "achievement").order_by("decided_at", "pk")
    return streaming_csv(
        "credbridge-decisions.csv", DECISION_HEADER, decision_rows(found.iterator(chunk_size=500))
    )


@require_GET
@qa_required
def decision_detail(
    request: HttpRequest, decision_id: int, *, platform_ids: frozenset[int]
) -> HttpResponse:
    decision = get_object_or_404(
        decisions_of(platform_ids).select_related("learner", "achievement", "course", "rule"),
        pk=decision_id,
    )
    result = decision.result or {}
    columns = decision_grid.columns_of([result])
    awards = list(
        awards_of(platform_ids)
        .filter(learner=decision.learner, achievement=decision.achievement)
        .order_by("-created_at")
    )
    return render(
        request,
        "qa_console/awards/decision.html",
        {
            "decision": decision,
            "rows": list(zip(columns, decision_grid.cells_of(result, columns), strict=True)),
            "reasons": reason_sentences(result.get("reasons", ()), criterion_titles(result)),
            "titles": criterion_titles(result),
            "people": describe_actors(a.revoked_by for a in awards),
            # Every observation evaluated (all revisions), not only the one that counted.
            "observations": sorted((decision.evidence or {}).items()),
            "awards": awards,
            "reason_form": ReasonForm(),
        },
    )


@qa_required
def flagged(request: HttpRequest, *, platform_ids: frozenset[int]) -> HttpResponse:
    if request.method == "POST":
        # "Keep": QA reviewed both snapshots and the award stands.
        award = get_object_or_404(
            awards_of(platform_ids), uuid=request.POST.get("award"), state=Award.State.FLAGGED
        )
        clear_flag(award=award, decision=None, actor=console_actor_id(request), note="kept by QA")
        messages.success(request, _("Kept the award of %(name)s.") % {"name": award.learner})
        return redirect("qa:flagged")
    awards = (
        awards_of(platform_ids)
        .filter(state=Award.State.FLAGGED)
        .select_related("learner", "achievement", "course", "decision", "flag_decision")
        .order_by("-flagged_at", "-pk")
    )
    items = []
    for award in awards[:200]:
        before = (award.decision.result if award.decision else None) or {}
        after = (award.flag_decision.result if award.flag_decision else None) or {}
        columns = decision_grid.columns_of([before, after])
        items.append(
            {
                "award": award,
                "reasons": reason_sentences(after.get("reasons", ()), criterion_titles(after)),
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
        request, "qa_console/awards/flagged.html", {"items": items, "reason_form": ReasonForm()}
    )


@require_GET
@qa_required
def revocations(request: HttpRequest, *, platform_ids: frozenset[int]) -> HttpResponse:
    page = Paginator(
        awards_of(platform_ids)
        .filter(state=Award.State.REVOKED)
        .select_related("learner", "achievement", "course")
        .order_by("-revoked_at", "-pk"),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    people = describe_actors(a.revoked_by for a in page)
    return render(request, "qa_console/awards/revocations.html", {"page": page, "people": people})


@require_POST
@qa_required
def revoke(
    request: HttpRequest, award_uuid: object, *, platform_ids: frozenset[int]
) -> HttpResponse:
    award = get_object_or_404(awards_of(platform_ids).select_related("learner"), uuid=award_uuid)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(str(m) for m in form.errors.get("reason", [_("A reason is needed.")]))
        )
        return _back(request, "qa:flagged")
    try:
        revoke_award(
            award=award,
            reason=form.cleaned_data["reason"],
            category=form.cleaned_data["category"],
            actor=console_actor_id(request),
        )
    except AwardActionError as exc:
        messages.error(request, str(exc))
    else:
        done = _("Revoked the credential of %(name)s.") % {"name": award.learner}
        messages.success(request, done)
    return redirect("qa:revocations")


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the form was on: a path of this site only, never a posted foreign URL
    (an open redirect would lend the tool's name to a phishing page)."""
    target = str(request.POST.get("next_page") or "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(fallback)
