"""Who may use the QA console, decided once per request.

Only a Django session counts here, never a launch token: the console keeps Django's CSRF
check, which a launch token must not switch off. QA users sign in at /qa/login/; an LMS
administrator gets such a session through the handoff (`handoff`), for their platform only.

One rule for every page (ADR 0075): QA rights are the acting person's QA scopes and nothing
else — a console user's `QAScope` rows (granted in the admin, audited as `qa_scope.granted`)
while in the Quality assurance group, or the one platform of an LMS administrator's handoff.
A superuser is no exception: without a scope the console refuses them like anyone else, and
with one they see and act on that institution only. Being an operator (`is_operator`) adds
only what belongs to no institution: registering endorsing organisations and reading the
audit log's events of no platform, both inside a session that already has a QA scope.

Two guards, with the same rule, for the two ways the pages take it:
- `qa_scope` (rubric reviews, audit log, pathways) gives the acting person, an `Actor` whose
  platforms the rubrics workflow checks again on every change (four eyes included).
- `qa_required` (award pages) passes that actor's platforms as `platform_ids`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rubrics.actors import Actor
from rubrics.models import RubricVersion

from .handoff import console_actor

View = Callable[..., HttpResponseBase]  # pages, and streamed CSV downloads


def refuse(request: HttpRequest, reason: str, *, status: int = 403) -> HttpResponse:
    """A page saying why, in the console's layout, instead of a bare 403."""
    return render(request, "qa_console/refused.html", {"reason": reason}, status=status)


def _to_login(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path(), reverse("qa:login"))


@dataclass(frozen=True)
class QAAccess:
    actor: Actor


def qa_scope(request: HttpRequest) -> QAAccess | HttpResponse:
    """The QA actor of the console session, or a redirect to the console login; 403 when
    signed in without QA rights."""
    if not request.user.is_authenticated:
        return _to_login(request)
    actor = console_actor(request)
    if not actor.qa_platform_ids:
        raise PermissionDenied(
            _("Your account is not in the Quality assurance group for any institution.")
        )
    return QAAccess(actor=actor)


def qa_version(scope: QAAccess, version_id: int) -> RubricVersion:
    """A version of a course on one of the QA actor's platforms (404 otherwise)."""
    return get_object_or_404(
        RubricVersion.objects.select_related("rubric__course__platform"),
        pk=version_id,
        rubric__course__platform_id__in=scope.actor.qa_platform_ids,
    )


def qa_required(view: View) -> View:
    """A signed-in person with a QA scope on at least one platform; passes those platforms as
    `platform_ids` (a frozenset, never "all": a superuser gets their own scopes too)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return _to_login(request)
        platform_ids = console_actor(request).qa_platform_ids
        if not platform_ids:
            return refuse(request, _("Your account is not a quality-assurance account."))
        return view(request, *args, platform_ids=platform_ids, **kwargs)

    return wrapper


def is_operator(request: HttpRequest) -> bool:
    """An active superuser: may also do what belongs to no institution (see the module's
    docstring), never more of an institution's than their QA scopes grant."""
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def scope_to_platforms(queryset: Any, platform_ids: Collection[int], field: str) -> Any:
    """Filter a queryset to the QA person's platforms (`field` names the platform id path)."""
    return queryset.filter(**{f"{field}__in": platform_ids})


def console_actor_id(request: HttpRequest) -> str:
    """`user:<pk>`, or for an LMS administrator's handoff session the `lti:<platform>:<sub>`
    the rest of the tool knows that person by (audit events, four eyes)."""
    return console_actor(request).id
