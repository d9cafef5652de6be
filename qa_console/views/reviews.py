"""Rubric reviews: the versions waiting, the review page (diff, preview, decide).

Every decision goes through the rubrics workflow (keyword-only services that check the QA
actor's platforms and four eyes and write the audit entry in the same transaction).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessments.models import LineItem
from rubrics.diff import diff_versions
from rubrics.models import RubricVersion
from rubrics.preview import preview_version
from rubrics.workflow import NotAllowed, WorkflowError, activate, approve, reject, retire

from ..access import QAAccess, qa_scope, qa_version
from ..forms import ReviewForm

State = RubricVersion.State


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope = qa_scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    versions = RubricVersion.objects.filter(
        rubric__course__platform_id__in=scope.actor.qa_platform_ids
    ).select_related("rubric__course__platform")
    return render(
        request,
        "qa_console/reviews/home.html",
        {
            "waiting": versions.filter(state=State.SUBMITTED).order_by("submitted_at"),
            "approved": versions.filter(state=State.APPROVED).order_by("reviewed_at"),
            "active": versions.filter(state=State.ACTIVE).order_by("rubric__course__title"),
        },
    )


def column_labels(course_id: int) -> dict[str, str]:
    """The course's gradebook columns: URL -> the label the LMS shows."""
    return {
        url: label
        for url, label in LineItem.objects.filter(course_id=course_id).values_list("url", "label")
        if label
    }


def _previous(version: RubricVersion) -> RubricVersion | None:
    siblings = version.rubric.versions.exclude(pk=version.pk)
    return (
        siblings.filter(state=State.ACTIVE).first()
        or siblings.filter(number__lt=version.number)
        .exclude(state=State.DRAFT)
        .order_by("-number")
        .first()
    )


def _review_page(
    request: HttpRequest,
    scope: QAAccess,
    version: RubricVersion,
    form: ReviewForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    previous = _previous(version)
    spec = version.to_spec()
    return render(
        request,
        "qa_console/reviews/review.html",
        {
            "version": version,
            "course": version.rubric.course,
            "previous": previous,
            "changes": diff_versions(
                previous.to_spec() if previous else None,
                spec,
                column_labels=column_labels(version.rubric.course_id),
            ),
            "spec": spec,
            "preview": preview_version(version=version),
            "form": form or ReviewForm(),
            "error": error,
            "is_author": version.author == scope.actor.id,
            "history": version.rubric.versions.order_by("-number"),
        },
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
        return _review_page(request, scope, version, form, _("Choose what to do."), 400)
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
    done = {
        "approve": _("Version %(number)s is approved."),
        "reject": _("Version %(number)s is rejected."),
        "activate": _("Version %(number)s is now in use."),
        "retire": _("Version %(number)s is retired."),
    }[action]
    messages.success(request, done % {"number": version.number})
    return HttpResponseRedirect(reverse("qa:review", args=[version.pk]))
