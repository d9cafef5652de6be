"""An endorsement's public page (no login): who endorses what, in their words, and whether it
verifies; its signed JSON to machines (Accept: application/json) or as a download."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from credentials.local_verification import verify_credential
from credentials.presentation import credential_view
from credentials.verification_report import report

from ..award_issuance import base_url
from ..credential_inputs import achievement_url
from ..endorsement_models import Endorsement
from .public import _wants_json


def _endorsement(endorsement_uuid: object) -> Endorsement:
    return get_object_or_404(
        Endorsement.objects.select_related("achievement", "issuer", "endorser"),
        uuid=endorsement_uuid,
    )


def _json(endorsement: Endorsement, *, download: bool) -> HttpResponse:
    response = HttpResponse(endorsement.document.encode("utf-8"), content_type="application/json")
    if download:
        response["Content-Disposition"] = f'attachment; filename="{endorsement.uuid}.json"'
    return response


@require_GET
def endorsement_page(request: HttpRequest, endorsement_uuid: object) -> HttpResponse:
    endorsement = _endorsement(endorsement_uuid)
    if _wants_json(request):
        response = _json(endorsement, download=False)
    else:
        document = endorsement.data
        result = verify_credential(document)
        if endorsement.achievement is not None:
            subject_url = achievement_url(base_url(), endorsement.achievement.uuid)
        else:
            assert endorsement.issuer is not None  # a check constraint: one of the two is set
            subject_url = endorsement.issuer.url
        response = render(
            request,
            "awarding/endorsement.html",
            {
                "endorsement": endorsement,
                "view": credential_view(document),
                "result": result,
                "parts": report(result),
                "subject_url": subject_url,
            },
        )
    patch_vary_headers(response, ["Accept"])
    return response


@require_GET
def endorsement_json(request: HttpRequest, endorsement_uuid: object) -> HttpResponse:
    return _json(_endorsement(endorsement_uuid), download=request.GET.get("download") == "1")
