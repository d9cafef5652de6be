"""Sections that apps above awarding add to the learner's page (for example pathways' progress).

Awarding does not import the apps above it (ADR 0005); such an app registers a renderer here
in its AppConfig.ready(), as the QA console registers its handoff (`qa_console_entry`). Each
renderer returns what `render_to_string` gives (a SafeString: its template escaped what it
shows) or "". A plain str is escaped by the page like any other value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:  # registered from AppConfig.ready(), before the models may be imported
    from assessments.models import Course, Learner

SectionRenderer = Callable[..., str]

_renderers: dict[str, SectionRenderer] = {}


def register_learner_section(name: str, renderer: SectionRenderer) -> None:
    """`renderer(request, *, course, learner) -> str`, called for every learner page."""
    _renderers[name] = renderer


def learner_sections(request: HttpRequest, *, course: Course, learner: Learner) -> list[str]:
    """The registered sections' HTML, in the order they were registered."""
    rendered = (render(request, course=course, learner=learner) for render in _renderers.values())
    return [html for html in rendered if html]
