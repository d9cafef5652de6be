"""The audit log as QA sees it: the events of their platforms, filtered, as a page or CSV."""

from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..access import QAAccess, qa_scope
from ..audit_log import csv_rows, filter_events, visible_events
from ..forms import AuditFilterForm


def _events(request: HttpRequest, scope: QAAccess) -> tuple[AuditFilterForm, QuerySet]:
    form = AuditFilterForm(request.GET or None)
    qs = visible_events(
        platform_ids=scope.actor.qa_platform_ids,
        include_global=bool(getattr(request.user, "is_superuser", False)),
    )
    if form.is_valid():
        qs = filter_events(qs, form.cleaned_data)
    return form, qs


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    scope = qa_scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    form, qs = _events(request, scope)
    page = Paginator(qs.order_by("-seq"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "qa_console/audit.html",
        {"qa": scope.actor, "form": form, "page": page, "query": query.urlencode()},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def audit_csv(request: HttpRequest) -> HttpResponseBase:
    scope = qa_scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    _, qs = _events(request, scope)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in csv_rows(qs)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="credbridge-audit.csv"'
    return response
