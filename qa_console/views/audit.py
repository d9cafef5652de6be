"""The audit log as QA sees it: the events of their platforms, in words, filtered, as a page
or as a CSV of exactly the filtered events."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessments.models import Course

from ..access import QAAccess, is_operator, qa_scope
from ..audit_log import CSV_HEADER, csv_rows, filter_events, in_words, visible_events
from ..csv_stream import streaming_csv
from ..forms import AuditFilterForm
from ..people import describe_actors

PER_PAGE = 50
# The "Who" choices list the people of the visible events; an institution's log names far
# fewer, but a bound keeps the page small whatever happens.
MAX_PEOPLE = 500


def _events(request: HttpRequest, scope: QAAccess) -> tuple[AuditFilterForm, QuerySet]:
    # An operator also reads the events of no institution (keys, endorsing organisations);
    # an institution's events only of their own QA scopes, like anyone (ADR 0075).
    qs = visible_events(
        platform_ids=scope.actor.qa_platform_ids, include_global=is_operator(request)
    )
    actors = list(qs.order_by("actor").values_list("actor", flat=True).distinct()[:MAX_PEOPLE])
    courses = Course.objects.filter(platform_id__in=scope.actor.qa_platform_ids).order_by(
        "title", "pk"
    )
    form = AuditFilterForm(
        request.GET or None, courses=courses, people=describe_actors(actors).items()
    )
    if form.is_bound and form.is_valid():
        qs = filter_events(qs, form.cleaned_data)
    elif form.is_bound:
        qs = qs.none()  # a filter that does not parse matches nothing, never everything
    return form, qs


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    scope = qa_scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    form, qs = _events(request, scope)
    page = Paginator(qs.order_by("-seq"), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "qa_console/audit.html",
        {
            "qa": scope.actor,
            "form": form,
            "page": page,
            "rows": in_words(page.object_list),
            "query": query.urlencode(),
        },
    )


@require_GET
def audit_csv(request: HttpRequest) -> HttpResponseBase:
    scope = qa_scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    _, qs = _events(request, scope)
    return streaming_csv("credbridge-audit.csv", CSV_HEADER, csv_rows(qs))
