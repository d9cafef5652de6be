"""Reports of the QA console: awards per rule, pass rates per criterion, and the time from
a grade to its credential, for the QA user's platforms; as a page or CSV."""

from __future__ import annotations

from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from awarding import award_reports
from awarding.csv_export import csv_response
from awarding.models import Decision

from ..access import qa_required
from ..selectors import awards_of, decisions_of


def _report_data(platform_ids: frozenset[int]) -> dict:
    awards = awards_of(platform_ids).select_related("achievement", "course")
    per_rule = award_reports.awards_per_rule(
        (a.rule_id, f"{a.achievement.name} — {a.course}", a.state)
        for a in awards.iterator()
        if a.rule_id is not None  # awards by review or pathway have no rule to report on
    )
    decisions = decisions_of(platform_ids)
    latest_ids = decisions.values("rule_id", "learner_id").annotate(last=Max("pk")).values("last")
    latest = Decision.objects.filter(pk__in=latest_ids).select_related("achievement", "course")
    rates = award_reports.pass_rates(
        (f"{d.achievement.name} — {d.course}", d.result or {}) for d in latest.iterator()
    )
    issued = (
        awards_of(platform_ids)
        .filter(issued_at__isnull=False, decision__isnull=False)
        .select_related("decision")
        .only("issued_at", "decision__result")
    )
    latency = award_reports.grade_to_credential(
        (a.decision.result if a.decision else {}, a.issued_at) for a in issued.iterator()
    )
    return {"per_rule": per_rule, "rates": rates, "latency": latency}


@require_GET
@qa_required
def reports(request: HttpRequest, *, platform_ids: frozenset[int]) -> HttpResponse:
    return render(request, "qa_console/awards/reports.html", _report_data(platform_ids))


@require_GET
@qa_required
def reports_csv(request: HttpRequest, *, platform_ids: frozenset[int]) -> HttpResponse:
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
