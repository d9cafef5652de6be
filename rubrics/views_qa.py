"""The QA console: reviews waiting, the review page (diff, preview, decide), the audit log.

Django users of the "Quality assurance" group sign in at /qa/login/; an LMS administrator
reaches the same pages through the handoff from a launch (views_qa_handoff), for their
platform only. Either way it is a Django session with Django's CSRF check, never a launch token.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from .audit_log import csv_rows, filter_events, visible_events
from .diff import diff_versions
from .forms import AuditFilterForm, ReviewForm
from .models import RubricVersion
from .preview import preview_version
from .request_access import QAAccess, qa_scope, qa_version
from .workflow import NotAllowed, WorkflowError, activate, approve, reject, retire

State = RubricVersion.State


class QALoginView(auth_views.LoginView):
    template_name = "rubrics/qa/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("rubrics:qa_home")


class QALogoutView(auth_views.LogoutView):
    next_page = "/qa/login/"


def _ctx(scope: QAAccess, **extra) -> dict:
    return {"base_template": scope.base_template, "qa": scope.actor, **extra}


@require_GET
def qa_home(request: HttpRequest) -> HttpResponse:
    scope = qa_scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    versions = RubricVersion.objects.filter(
        rubric__course__platform_id__in=scope.actor.qa_platform_ids
    ).select_related("rubric__course__platform")
    return render(
        request,
        "rubrics/qa/home.html",
        _ctx(
            scope,
            waiting=versions.filter(state=State.SUBMITTED).order_by("submitted_at"),
            approved=versions.filter(state=State.APPROVED).order_by("reviewed_at"),
            active=versions.filter(state=State.ACTIVE).order_by("rubric__course__title"),
        ),
    )


def _previous(version: RubricVersion) -> RubricVersion | None:
    siblings = version.rubric.versions.exclude(pk=version.pk)
    return (
        siblings.filter(state=State.ACTIVE).first()
        or siblings.filter(number__lt=version.number)
        .exclude(state=State.DRAFT)
        .order_by("-number")
        .first()
    )


def _review_page(request, scope, version, form=None, error="", status=200) -> HttpResponse:
    previous = _previous(version)
    spec = version.to_spec()
    return render(
        request,
        "rubrics/qa/review.html",
        _ctx(
            scope,
            version=version,
            course=version.rubric.course,
            previous=previous,
            changes=diff_versions(previous.to_spec() if previous else None, spec),
            spec=spec,
            preview=preview_version(version=version),
            form=form or ReviewForm(),
            error=error,
            is_author=version.author == scope.actor.id,
            history=version.rubric.versions.order_by("-number"),
        ),
        status=status,
    )


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, version_id: int) -> HttpResponse:
    scope = qa_scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    version = qa_version(scope, version_id)
    if request.method != "POST":
        return _review_page(request, scope, version)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _review_page(request, scope, version, form, "Choose what to do.", 400)
    action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
    steps = {
        "approve": lambda: approve(version=version, actor=scope.actor, comment=comment),
        "reject": lambda: reject(version=version, actor=scope.actor, comment=comment),
        "activate": lambda: activate(version=version, actor=scope.actor),
        "retire": lambda: retire(version=version, actor=scope.actor),
    }
    try:
        steps[action]()
    except NotAllowed as exc:
        version.refresh_from_db()
        return _review_page(request, scope, version, form, str(exc), 403)
    except WorkflowError as exc:
        version.refresh_from_db()
        return _review_page(request, scope, version, form, str(exc), 409)
    messages.success(request, f"Version {version.number}: {action} done.")
    return HttpResponseRedirect(reverse("rubrics:qa_review", args=[version.pk]))


def _events(request: HttpRequest, scope: QAAccess):
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
        "rubrics/qa/audit.html",
        _ctx(scope, form=form, page=page, query=query.urlencode()),
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def audit_csv(request: HttpRequest) -> HttpResponse:
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
