"""Who may use the QA console, decided once per request.

Only a Django session counts here, never a launch token: the console keeps Django's CSRF
check, which a launch token must not switch off. QA users sign in at /qa/login/; an LMS
administrator gets such a session through the handoff (`handoff`), for their platform only.

Two guards, kept as the pages had them before they were one app:
- `qa_scope` (rubric reviews, audit log) gives the acting person, an `Actor` whose platforms
  the rubrics workflow checks again on every change (four eyes included). A superuser needs a
  QA scope like anyone else here.
- `qa_required` (award pages) passes the platforms the user may see; a superuser sees all.
"""

from __future__ import annotations

from collections.abc import Callable
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
from rubrics.actors import qa_platform_ids as rubrics_qa_platform_ids
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


def qa_platform_ids(user: Any) -> set[int] | None:
    """The platforms a console user may see awards of: None means all (superuser), empty
    means none."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return None
    return set(rubrics_qa_platform_ids(user))


def qa_required(view: View) -> View:
    """A logged-in QA user linked to at least one platform; passes `platform_ids`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return _to_login(request)
        platform_ids = qa_platform_ids(request.user)
        if platform_ids is not None and not platform_ids:
            return refuse(request, _("Your account is not a quality-assurance account."))
        return view(request, *args, platform_ids=platform_ids, **kwargs)

    return wrapper


def scope_to_platforms(queryset: Any, platform_ids: set[int] | None, field: str) -> Any:
    """Filter a queryset to the QA user's platforms (`field` names the platform id path)."""
    if platform_ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": platform_ids})


def console_actor_id(request: HttpRequest) -> str:
    """`user:<pk>`, or for an LMS administrator's handoff session the `lti:<platform>:<sub>`
    the rest of the tool knows that person by (audit events, four eyes)."""
    return console_actor(request).id
