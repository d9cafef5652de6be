"""Sections that apps above awarding add to the learner's page (for example pathways' progress).

Awarding does not import the apps above it (ADR 0005); such an app registers a renderer here
in its AppConfig.ready(), as the QA console registers its handoff (`qa_console_entry`). Each
renderer returns what `render_to_string` gives (a SafeString: its template escaped what it
shows) or "". A plain str is escaped by the page like any other value.

A section may also register its fixed reads of the page's person (`reads`): the page sends
them in the round trip that reads its course and learner (awarding.access.learner_page, ADR
0083), and the renderer gets their answers as `ahead` (None when the page did not read them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:  # registered from AppConfig.ready(), before the models may be imported
    from assessments.models import Course, Learner
    from lti_tool.prepared_reads import BoundRead

SectionRenderer = Callable[..., str]
# reads(learner_id=..., platform_id=...): the launch's person and platform (the page's learner
# row is read with that platform, so the two agree).
SectionReads = Callable[..., "tuple[BoundRead[Any], ...]"]

_renderers: dict[str, SectionRenderer] = {}
_reads: dict[str, SectionReads] = {}


def register_learner_section(
    name: str, renderer: SectionRenderer, *, reads: SectionReads | None = None
) -> None:
    """`renderer(request, *, course, learner) -> str`, called for every learner page; with
    `reads`, called with `ahead=` as well: the answers of `reads`, in order, or None."""
    _renderers[name] = renderer
    if reads is None:
        _reads.pop(name, None)
    else:
        _reads[name] = reads


def learner_section_reads(*, learner_id: int, platform_id: int) -> dict[str, BoundRead[Any]]:
    """The sections' fixed reads of the page's person, keyed for `learner_sections`."""
    return {
        f"section:{name}:{i}": bound
        for name, reads in _reads.items()
        for i, bound in enumerate(reads(learner_id=learner_id, platform_id=platform_id))
    }


def _answers(name: str, ahead: Mapping[str, Any] | None) -> tuple[Any, ...] | None:
    if ahead is None or f"section:{name}:0" not in ahead:
        return None
    found: list[Any] = []
    while (key := f"section:{name}:{len(found)}") in ahead:
        found.append(ahead[key])
    return tuple(found)


def learner_sections(
    request: HttpRequest,
    *,
    course: Course,
    learner: Learner,
    ahead: Mapping[str, Any] | None = None,
) -> list[str]:
    """The registered sections' HTML, in the order they were registered. `ahead`: what the
    page read for them (`learner_section_reads`' keys), if it did."""
    rendered = (
        render(request, course=course, learner=learner, ahead=_answers(name, ahead))
        if name in _reads
        else render(request, course=course, learner=learner)
        for name, render in _renderers.items()
    )
    return [html for html in rendered if html]
