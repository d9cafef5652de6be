"""The pathways part of the learner's page (registered with awarding.learner_sections): each
pathway in use of the institution, how far the learner is (k of N, what counts, what is
missing) and the stacked credential once earned."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from assessments.models import Course, Learner

from .progress_reads import learner_pathways


def render_learner_section(request: HttpRequest, *, course: Course, learner: Learner) -> str:
    found = learner_pathways(learner)
    if not found:
        return ""
    return render_to_string(
        "pathways/learner_section.html", {"items": found, "course": course}, request=request
    )
