"""The instructor's rubric editor, inside the LMS iframe (launch token, no cookies)."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from lti_tool.launch_context import LaunchRequest
from lti_tool.launch_csrf import launch_csrf
from lti_tool.services.errors import ServiceError

from .editing import create_line_items, save_draft
from .forms import CriterionForm, CriterionFormSet, NewRubricForm, VersionForm
from .models import Rubric, RubricVersion
from .preview import preview_version
from .request_access import instructor_scope
from .spec import SpecError
from .workflow import WorkflowError, create_rubric, new_draft, submit

log = logging.getLogger(__name__)


def _to(request: LaunchRequest, name: str, *args) -> HttpResponseRedirect:
    # Pages after a launch carry the token in the URL (no third-party cookie to rely on).
    query = urlencode({"lt": request.lti_launch.token})
    return HttpResponseRedirect(f"{reverse(name, args=args)}?{query}")


@launch_csrf
@require_http_methods(["GET", "POST"])
def course_rubrics(request: LaunchRequest) -> HttpResponse:
    scope = instructor_scope(request)
    form = NewRubricForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rubric = create_rubric(
                course=scope.course,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                actor=scope.actor,
            )
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            return _to(request, "rubrics:version", rubric.versions.get().pk)
    rubrics = (
        Rubric.objects.filter(course=scope.course)
        .prefetch_related("versions")
        .order_by("title", "pk")
    )
    return render(
        request,
        "rubrics/course_rubrics.html",
        {"course": scope.course, "rubrics": rubrics, "form": form},
        status=400 if form.errors else 200,
    )


def _version_for(scope, version_id: int) -> RubricVersion:
    return get_object_or_404(
        RubricVersion.objects.select_related("rubric__course"),
        pk=version_id,
        rubric__course=scope.course,
    )


def _formsets(version: RubricVersion, data=None):
    criteria = version.criteria.prefetch_related("levels", "alignments").order_by("position")
    initial = [CriterionForm.initial_for(c) for c in criteria]
    version_form = VersionForm(data, initial=VersionForm.initial_for(version))
    formset = CriterionFormSet(
        data,
        initial=initial,
        prefix="criteria",
        form_kwargs={"course": version.rubric.course},
    )
    if not initial:
        formset.extra = 3
    return version_form, formset


@launch_csrf
@require_http_methods(["GET", "POST"])
def version_page(request: LaunchRequest, version_id: int) -> HttpResponse:
    """A draft is edited here; any other version is shown read-only."""
    scope = instructor_scope(request)
    version = _version_for(scope, version_id)
    status = 200
    if request.method == "POST":
        version_form, formset = _formsets(version, request.POST)
        if version_form.is_valid() and formset.is_valid():
            try:
                save_draft(
                    version=version,
                    actor=scope.actor,
                    title=version_form.cleaned_data["title"],
                    policy=version_form.policy(),
                    criteria=[f.draft() for f in formset.live_forms()],
                )
            except (SpecError, WorkflowError) as exc:
                version_form.add_error(None, str(exc))
            else:
                messages.success(request, "Draft saved.")
                return _to(request, "rubrics:version", version.pk)
        status = 400
    else:
        version_form, formset = _formsets(version)
    return render(
        request,
        "rubrics/version.html",
        {
            "course": scope.course,
            "version": version,
            "rubric": version.rubric,
            "spec": version.to_spec(),
            "version_form": version_form,
            "formset": formset,
            "preview": preview_version(version=version),
            "versions": version.rubric.versions.order_by("-number"),
        },
        status=status,
    )


@launch_csrf
@require_POST
def line_items(request: LaunchRequest, version_id: int) -> HttpResponse:
    scope = instructor_scope(request)
    version = _version_for(scope, version_id)
    try:
        created = create_line_items(version=version, actor=scope.actor)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    except (ServiceError, ValueError) as exc:  # the LMS said no: scope, throttling, concluded
        log.warning("line item creation failed for version %s: %s", version.pk, type(exc).__name__)
        messages.error(request, f"The LMS did not create the columns: {exc}")
    else:
        messages.success(request, f"{len(created)} gradebook column(s) ready in the LMS.")
    return _to(request, "rubrics:version", version.pk)


@launch_csrf
@require_POST
def submit_version(request: LaunchRequest, version_id: int) -> HttpResponse:
    scope = instructor_scope(request)
    version = _version_for(scope, version_id)
    try:
        submit(version=version, actor=scope.actor)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Submitted for review by quality assurance.")
    return _to(request, "rubrics:version", version.pk)


@launch_csrf
@require_POST
def new_version(request: LaunchRequest, rubric_id: int) -> HttpResponse:
    scope = instructor_scope(request)
    rubric = get_object_or_404(Rubric, pk=rubric_id, course=scope.course)
    with transaction.atomic():
        draft = rubric.versions.filter(state=RubricVersion.State.DRAFT).first()
        if draft is None:
            try:
                draft = new_draft(rubric=rubric, actor=scope.actor)
            except WorkflowError as exc:
                messages.error(request, str(exc))
                return _to(request, "rubrics:course_rubrics")
    return _to(request, "rubrics:version", draft.pk)
