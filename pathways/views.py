"""The pathway pages of the QA console (/qa/pathways/): the list with a new-pathway form, and
one pathway's page (edit while a draft, submit, approve, put into use, retire; who is close).

The console's own access rule (`qa_console.access.qa_scope`) decides who may enter; every
change goes through `pathways.definition` or `pathways.workflow`, which check the QA actor's
institution and four eyes again and write the audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from awarding.models import Achievement
from lti_tool.models import Platform
from qa_console.access import qa_scope
from rubrics.actors import Actor

from . import definition, workflow
from .definition import PathwayError
from .evaluate import PathwaySpecError, validate
from .forms import CompetencyForm, ComponentForm, NewPathwayForm, PathwayForm
from .holdings import pathway_spec
from .institution import institution_platform_ids
from .models import Pathway
from .progress_reads import close_to_completion

State = Pathway.State


def _rule_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data["name"],
        "description": data["description"],
        "criteria_narrative": data["criteria_narrative"],
        "rule": data["rule"],
        "required_count": data.get("required_count"),
        "window_days": data.get("window_days"),
    }


@require_http_methods(["GET", "POST"])
def pathway_list(request: HttpRequest) -> HttpResponse:
    scope = qa_scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    actor = scope.actor
    platforms = Platform.objects.filter(pk__in=actor.qa_platform_ids).order_by("name")
    form = NewPathwayForm(request.POST or None, platforms=platforms)
    if request.method == "POST" and form.is_valid():
        try:
            pathway = definition.create_pathway(
                platform=form.cleaned_data["platform"],
                actor=actor,
                **_rule_fields(form.cleaned_data),
            )
        except PathwayError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Pathway created: add its components, then submit it."))
            return redirect("pathways:detail", pathway_uuid=pathway.uuid)
    pathways = list(
        Pathway.objects.filter(platform_id__in=actor.qa_platform_ids)
        .select_related("achievement", "platform")
        .order_by("achievement__name", "pk")
    )
    return render(
        request,
        "pathways/list.html",
        {
            "groups": [
                (label, [p for p in pathways if p.state == value]) for value, label in State.choices
            ],
            "form": form,
            "has_any": bool(pathways),
        },
        status=400 if form.errors else 200,
    )


def _institution_achievements(pathway: Pathway) -> Any:
    return (
        Achievement.objects.filter(platform_id__in=institution_platform_ids(pathway.platform_id))
        .exclude(pk=pathway.achievement_id)
        .select_related("course")
        .order_by("name", "pk")
    )


def _edit_forms(pathway: Pathway, data: Any = None) -> dict[str, Any]:
    achievement = pathway.achievement
    return {
        "edit": PathwayForm(
            data,
            prefix="edit",
            initial={
                "name": achievement.name,
                "description": achievement.description,
                "criteria_narrative": achievement.criteria_narrative,
                "rule": pathway.rule,
                "required_count": pathway.required_count,
                "window_days": pathway.window_days,
            },
        ),
        "component": ComponentForm(
            data, prefix="component", achievements=_institution_achievements(pathway)
        ),
        "competency": CompetencyForm(data, prefix="competency"),
    }


def _step(pathway: Pathway, actor: Actor, action: str, post: Any) -> str | None:
    """Run one posted action; its success message, or None when a form did not validate."""
    steps: dict[str, tuple[Callable[..., Pathway], str]] = {
        "submit": (workflow.submit, _("Submitted: another QA person approves it.")),
        "approve": (workflow.approve, _("Approved: put it into use when it should start.")),
        "return": (workflow.return_to_draft, _("Sent back to draft.")),
        "activate": (workflow.activate, _("In use: everyone who meets it now receives it.")),
        "retire": (workflow.retire, _("Retired: no new credentials from this pathway.")),
    }
    if action in steps:
        service, done = steps[action]
        service(pathway=pathway, actor=actor)
        return done
    forms = _edit_forms(pathway, post)
    if action == "edit" and forms["edit"].is_valid():
        definition.update_pathway(
            pathway=pathway, actor=actor, **_rule_fields(forms["edit"].cleaned_data)
        )
        return _("Saved.")
    if action == "add_component" and forms["component"].is_valid():
        definition.add_component(pathway=pathway, actor=actor, **forms["component"].cleaned_data)
        return _("Component added.")
    if action == "add_competency" and forms["competency"].is_valid():
        definition.add_competency(pathway=pathway, actor=actor, **forms["competency"].cleaned_data)
        return _("Competency requirement added.")
    if action in ("remove_component", "remove_competency") and str(post.get("item", "")).isdigit():
        definition.remove_requirement(
            pathway=pathway,
            kind=action.removeprefix("remove_"),
            requirement_id=int(post["item"]),
            actor=actor,
        )
        return _("Removed.")
    return None


@require_http_methods(["GET", "POST"])
def pathway_detail(request: HttpRequest, pathway_uuid: object) -> HttpResponse:
    scope = qa_scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    pathway = get_object_or_404(
        Pathway.objects.select_related("achievement", "platform"),
        uuid=pathway_uuid,
        platform_id__in=scope.actor.qa_platform_ids,
    )
    if request.method == "POST":
        try:
            done = _step(pathway, scope.actor, str(request.POST.get("action", "")), request.POST)
        except PathwayError as exc:
            messages.error(request, str(exc))
        else:
            if done is None:
                messages.error(request, _("Check the form: something is missing or not valid."))
            else:
                messages.success(request, done)
        return redirect("pathways:detail", pathway_uuid=pathway.uuid)
    spec = pathway_spec(pathway)
    try:
        problem = ""
        validate(spec)
    except PathwaySpecError as exc:
        problem = str(exc)
    return render(
        request,
        "pathways/detail.html",
        {
            "pathway": pathway,
            "components": pathway.components.select_related(
                "achievement__course", "min_level"
            ).order_by("pk"),
            "competencies": pathway.competencies.select_related(
                "competence__framework", "min_level"
            ).order_by("pk"),
            "total": spec.total if not problem else 0,
            "problem": problem,
            "forms": _edit_forms(pathway) if pathway.is_draft else None,
            "own_submission": pathway.submitted_by == scope.actor.id,
            "close": close_to_completion(pathway) if pathway.state == State.ACTIVE else (),
            "holders": pathway.achievement.awards.filter(state="issued").count(),
        },
    )
