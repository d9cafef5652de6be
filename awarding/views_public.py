"""Public pages (no login): the evidence behind one award, and an achievement's description.

The evidence page shows exactly one award: its learner's own scores (never anyone else's),
grader comments only where the institution publishes them, and nothing at all while the
credential is private, not issued yet, or held.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from rubrics.spec import VersionSpec

from . import views_grid
from .models import Achievement, Award, AwardingRule, InstitutionSetting
from .rules import active_version
from .views_share import stored_credential

OB_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
# States in which a credential exists (a revoked one still shows, marked revoked).
SHOWN_STATES = (Award.State.ISSUED, Award.State.FLAGGED, Award.State.REVOKED)


def _institution(platform_id: int) -> InstitutionSetting:
    return InstitutionSetting.objects.filter(platform_id=platform_id).first() or InstitutionSetting(
        platform_id=platform_id
    )


def _public_credential(award: Award):  # -> credentials.models.Credential
    credential = stored_credential(award)
    if credential is None or not credential.is_public:
        # Private, or never stored: the same 404 either way, so nothing leaks.
        raise Http404
    return credential


@require_GET
def evidence_page(request: HttpRequest, award_uuid: object) -> HttpResponse:
    award = get_object_or_404(
        Award.objects.select_related("achievement", "course", "learner", "decision"),
        uuid=award_uuid,
        state__in=SHOWN_STATES,
    )
    credential = _public_credential(award)
    institution = _institution(award.course.platform_id)
    result = award.decision.result or {}
    columns = views_grid.columns_of([result])
    cells = views_grid.cells_of(result, columns)
    if not institution.show_grader_comments:
        cells = views_grid.comments_hidden(cells)
    return render(
        request,
        "awarding/evidence.html",
        {
            "award": award,
            "credential": credential,
            "achievement": award.achievement,
            "course": award.course,
            "learner_name": award.learner.name if institution.show_learner_names else "",
            "rows": list(zip(columns, cells, strict=True)),
            "decision": award.decision,
            "credential_url": f"{settings.PUBLIC_BASE_URL}/credentials/{award.uuid}",
        },
    )


def _active_spec(achievement: Achievement) -> VersionSpec:
    """The criteria of the achievement's active rubric version, when a rule names one."""
    for rule in AwardingRule.objects.filter(achievement=achievement, active=True).order_by("pk"):
        version = active_version(rubric_id=rule.rubric_id)
        if version is not None:
            return version.to_spec()
    return VersionSpec(criteria=())


def achievement_document(achievement: Achievement) -> dict:
    """The OB 3.0 Achievement as JSON-LD, composed like the one inside credentials."""
    from credentials.credential_json import achievement_json

    from .credential_inputs import build_achievement

    document = achievement_json(
        build_achievement(
            base_url=settings.PUBLIC_BASE_URL,
            achievement=achievement,
            spec=_active_spec(achievement),
        )
    )
    return {"@context": OB_CONTEXT, **document}


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return (
        any(kind in accept for kind in ("application/json", "application/ld+json"))
        and "text/html" not in accept.split(",")[0]
    )


@require_GET
def achievement_page(request: HttpRequest, achievement_uuid: object) -> HttpResponse:
    achievement = get_object_or_404(
        Achievement.objects.select_related("course"), uuid=achievement_uuid
    )
    document = achievement_document(achievement)
    if _wants_json(request):
        response = HttpResponse(
            json.dumps(document, ensure_ascii=False, indent=2),
            content_type="application/ld+json"
            if "application/ld+json" in request.headers.get("Accept", "")
            else "application/json",
        )
    else:
        response = render(
            request,
            "awarding/achievement.html",
            {"achievement": achievement, "document": document},
        )
    patch_vary_headers(response, ["Accept"])
    return response
