"""The pathways part of the learner's page (registered with awarding.learner_sections): each
pathway in use of the institution, how far the learner is (k of N, what counts, what is
missing) and the stacked credential once earned."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from assessments.models import Course, Learner
from lti_tool.prepared_reads import BoundRead

from .progress_reads import learner_pathways, pathway_reads


def section_reads(*, learner_id: int, platform_id: int) -> tuple[BoundRead[Any], ...]:
    """What the section reads of every learner page's person, sent with the page's own reads
    (awarding.learner_sections, ADR 0083): `learner_pathways`' first reads."""
    return pathway_reads(learner_id=learner_id, platform_id=platform_id)


def render_learner_section(
    request: HttpRequest, *, course: Course, learner: Learner, ahead: tuple | None = None
) -> str:
    found = learner_pathways(learner, ahead=ahead)
    if not found:
        return ""
    return render_to_string(
        "pathways/learner_section.html", {"items": found, "course": course}, request=request
    )
