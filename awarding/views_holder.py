"""The holder's own copies of a credential, inside the LMS (launch token, own awards only).

The public URLs (`/credentials/<uuid>…`, credentials app) answer 404 once the learner makes
the page private; the holder can still download and view their credential here.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from assessments.models import Course, Learner

from .models import Award
from .views_access import learner_required
from .views_share import stored_credential

FORMATS = ("json", "jwt", "svg", "png", "qr")


def _own_credential(award_uuid: object, course: Course, learner: Learner):
    award = get_object_or_404(Award, uuid=award_uuid, course=course, learner=learner)
    credential = stored_credential(award)
    if credential is None:
        raise Http404
    return credential


@require_GET
@learner_required
def holder_page(
    request: HttpRequest, award_uuid: object, *, course: Course, learner: Learner
) -> HttpResponse:
    from credentials.views import credential_page_response

    return credential_page_response(request, _own_credential(award_uuid, course, learner))


@require_GET
@learner_required
def holder_download(
    request: HttpRequest, award_uuid: object, fmt: str, *, course: Course, learner: Learner
) -> HttpResponse:
    from credentials import baking
    from credentials.views import credential_json_response

    if fmt not in FORMATS:
        raise Http404
    credential = _own_credential(award_uuid, course, learner)
    if fmt == "json":
        return credential_json_response(credential, download=True)
    if fmt == "jwt":
        response = HttpResponse(credential.jwt, content_type="application/vc+jwt")
    elif fmt == "qr":
        return HttpResponse(baking.qr_png(credential.public_url), content_type="image/png")
    else:
        maker = baking.baked_svg if fmt == "svg" else baking.baked_png
        body = maker(
            credential_json=credential.document,
            name=credential.achievement_name,
            issuer_name=credential.issuer.name,
        )
        response = HttpResponse(body, content_type="image/svg+xml" if fmt == "svg" else "image/png")
    response["Content-Disposition"] = f'attachment; filename="{credential.pk}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
