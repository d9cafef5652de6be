"""The instructor's rubric editor, inside the LMS iframe (launch token, no cookies)."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_http_methods, require_POST

from lti_tool.launch_context import LaunchRequest
from lti_tool.launch_csrf import launch_csrf
from lti_tool.services.errors import ServiceError

from .editing import (
    CriterionDraft,
    PolicyDraft,
    create_line_items,
    draft_bindings,
    draft_spec,
    save_draft,
)
from .forms import CriterionForm, CriterionFormSet, NewRubricForm, VersionForm
from .models import Rubric, RubricVersion
from .preview import Preview, preview_version
from .request_access import instructor_scope
from .spec import SpecError
from .threshold_sentence import threshold_sentence
from .workflow import WorkflowError, create_rubric, new_draft

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
    criteria = list(version.criteria.prefetch_related("levels", "alignments").order_by("position"))
    initial = [dict(CriterionForm.initial_for(c), ORDER=n) for n, c in enumerate(criteria, 1)]
    version_form = VersionForm(data, initial=VersionForm.initial_for(version))
    formset = CriterionFormSet(
        data,
        initial=initial,
        prefix="criteria",
        form_kwargs={"course": version.rubric.course},
        levels_initial=[CriterionForm.levels_initial(c) for c in criteria],
    )
    return version_form, formset


def _drafts(version_form, formset) -> tuple[str, PolicyDraft, list[CriterionDraft]] | None:
    if not (version_form.is_valid() and formset.is_valid()):
        return None
    return (
        version_form.cleaned_data["title"],
        version_form.policy(),
        [f.draft() for f in formset.live_forms()],
    )


def _edit_preview(version: RubricVersion, drafts) -> tuple[Preview, str]:
    """The preview and the pass sentence of the edits as typed (saved or not)."""
    if drafts is None:
        spec = version.to_spec()
        return preview_version(version=version), threshold_sentence(spec)
    spec = draft_spec(*drafts)
    bindings = draft_bindings(version, drafts[2])
    return (
        preview_version(version=version, spec=spec, key_by_item=bindings),
        threshold_sentence(spec),
    )


def _editor_messages() -> dict[str, str]:
    """The hints editor.js shows while typing: the server's own messages (rubrics/forms.py)."""
    return {
        "name": _("Give the criterion a name."),
        "points": _("Give the maximum points (more than 0)."),
        "threshold": _("The pass mark must be between 0 and %(top)s.") % {"top": "%s"},
        "levelName": _("Give this level a name."),
        "levelMin": _("A level starts between 0 and the maximum (%(points)s points).")
        % {"points": "%s"},
        "matches": _("%(n)s competences match.") % {"n": "%s"},
        # No plural forms in the script: a wording that fits any number (the page itself
        # renders the count with its plural, rubrics/_criterion_card.html).
        "chosen": pgettext("competences, any number", "%(n)s chosen") % {"n": "%s"},
    }


@launch_csrf
@require_http_methods(["GET", "POST"])
def version_page(request: LaunchRequest, version_id: int) -> HttpResponse:
    """A draft is edited here; any other version is shown read-only. "Preview" shows the
    edits' preview without saving (the page works without script)."""
    scope = instructor_scope(request)
    version = _version_for(scope, version_id)
    status = 200
    drafts = None
    if request.method == "POST":
        version_form, formset = _formsets(version, request.POST)
        drafts = _drafts(version_form, formset)
        if drafts is not None and "preview" in request.POST:
            messages.info(request, _("Preview of your edits. They are not saved yet."))
        elif drafts is not None:
            title, policy, criteria = drafts
            try:
                save_draft(
                    version=version,
                    actor=scope.actor,
                    title=title,
                    policy=policy,
                    criteria=criteria,
                )
            except (SpecError, WorkflowError) as exc:
                version_form.add_error(None, str(exc))
                status = 400
            else:
                messages.success(request, _("Draft saved."))
                return _to(request, "rubrics:version", version.pk)
        else:
            status = 400
    else:
        version_form, formset = _formsets(version)
    preview, sentence = _edit_preview(version, drafts)
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
            "preview": preview,
            "sentence": sentence,
            "editor_messages": _editor_messages(),
            "versions": version.rubric.versions.order_by("-number"),
        },
        status=status,
    )


@launch_csrf
@require_POST
def preview_fragment(request: LaunchRequest, version_id: int) -> HttpResponse:
    """The editor's script posts the form here as it changes: the pass sentence and the
    preview of the edits as typed, as HTML to put in place (nothing is saved)."""
    scope = instructor_scope(request)
    version = _version_for(scope, version_id)
    version_form, formset = _formsets(version, request.POST)
    drafts = _drafts(version_form, formset)
    if drafts is None:
        return render(request, "rubrics/_preview_invalid.html", status=200)
    preview, sentence = _edit_preview(version, drafts)
    return render(request, "rubrics/_live_preview.html", {"preview": preview, "sentence": sentence})


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
        messages.error(request, _("The LMS did not create the columns: %(error)s") % {"error": exc})
    else:
        messages.success(
            request,
            ngettext(
                "%(n)d gradebook column ready in the LMS.",
                "%(n)d gradebook columns ready in the LMS.",
                len(created),
            )
            % {"n": len(created)},
        )
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
