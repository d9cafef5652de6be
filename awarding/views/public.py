"""Public pages (no login): the evidence behind one award, an achievement's description, and
an achievement's uploaded image.

The evidence page shows exactly one award: its learner's own scores (never anyone else's),
grader comments only where the institution publishes them, and nothing at all while the
credential is private, not issued yet, or held.

The image is served at the URL signed credentials carry (PUBLIC_BASE_URL + MEDIA_URL + the
stored name, see awarding.credential_inputs). Only a name an Achievement's image field holds is
served, so no request can reach any other file under MEDIA_ROOT (nor, by `..`, outside it);
raster types only, since an SVG or HTML file served from this origin could run script.
"""

from __future__ import annotations

import json
import mimetypes

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from credentials.models import Credential

from .. import decision_grid
from ..endorsement_listing import achievement_endorsements
from ..models import Achievement, Award
from ..selectors import achievement_document, institution_setting, stored_credential

_RASTER = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# An upload is stored under a fresh name, so a name's bytes do not change: credentials
# and verifiers may keep them a day.
_IMAGE_MAX_AGE = 24 * 3600
# States in which a credential exists (a revoked one still shows, marked revoked).
SHOWN_STATES = (Award.State.ISSUED, Award.State.FLAGGED, Award.State.REVOKED)


def _public_credential(award: Award) -> Credential:
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
    institution = institution_setting(award.home_platform_id)
    # A review or pathway award has no rubric decision: its page lists the evidence it was
    # granted on (the same items its credential carries) instead of the score table.
    result = award.decision.result if award.decision is not None else {}
    columns = decision_grid.columns_of([result])
    cells = decision_grid.cells_of(result, columns)
    if not institution.show_grader_comments:
        cells = decision_grid.comments_hidden(cells)
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
            "evidence_items": award.evidence_items if award.decision is None else [],
            "credential_url": f"{settings.PUBLIC_BASE_URL}/credentials/{award.uuid}",
        },
    )


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
            {
                "achievement": achievement,
                "document": document,
                "endorsements": achievement_endorsements(achievement),
            },
        )
    patch_vary_headers(response, ["Accept"])
    return response


@require_GET
def achievement_image(request: HttpRequest, name: str) -> FileResponse:
    content_type, _ = mimetypes.guess_type(name)
    if content_type not in _RASTER or not Achievement.objects.filter(image=name).exists():
        raise Http404("No such image.")
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation) as exc:
        raise Http404("No such image.") from exc
    response = FileResponse(handle, content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, public=True, max_age=_IMAGE_MAX_AGE)
    return response
