"""The learner's pages inside the LMS: progress per credential, earned credentials, sharing,
and the holder's own copies of a credential.

A learner sees only their own records: the learner comes from the verified launch, and
every award looked up by id must belong to that learner in the launch's course. The public
URLs (`/credentials/<uuid>…`, credentials app) answer 404 once the learner makes the page
private; the holder can still download and view their credential here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.models import Course, Learner
from credentials import baking
from credentials.jose_forms import stored_ob_jwt
from credentials.models import Credential
from credentials.views import (
    baked_image_response,
    credential_json_response,
    credential_page_response,
)
from lti_tool.launch_context import LaunchRequest, present_launch

from ..access import launch_actor, learner_page, learner_required
from ..credential_visibility import CredentialNotStored, set_credential_visibility
from ..forms import PrivacyForm
from ..learner_sections import learner_sections
from ..notification_reads import mark_notifications_read
from ..placements import placed_achievement
from ..selectors import holder_awards, learner_cards, learner_home_reads, stored_credential

DOWNLOAD_FORMATS = ("json", "jwt", "svg", "png", "qr")


def _home(request: LaunchRequest) -> HttpResponse:
    return redirect(f"{reverse('awarding:learner_home')}?lt={request.lti_launch.token}")


@require_GET
@learner_page(learner_home_reads)
def learner_home(
    request: LaunchRequest, *, course: Course, learner: Learner, ahead: dict[str, list]
) -> HttpResponse:
    cards = learner_cards(course=course, learner=learner, rules=ahead["rules"])
    # A placement of one credential (deep linking) shows that credential only.
    placed = placed_achievement(course=course, key=present_launch(request).placement)
    if placed is not None:
        cards = [card for card in cards if card["achievement"].pk == placed.pk]
    return render(
        request,
        "awarding/learner_home.html",
        {
            "course": course,
            "learner": learner,
            "cards": cards,
            "placed": placed,
            "notifications": ahead["notifications"],
            # Apps above awarding (pathways) add their part of the page.
            "sections": []
            if placed
            else learner_sections(request, course=course, learner=learner, ahead=ahead),
        },
    )


@require_POST
@learner_required
def dismiss_notifications(
    request: LaunchRequest, *, course: Course, learner: Learner
) -> HttpResponse:
    mark_notifications_read(actor=launch_actor(request), learner=learner, course=course)
    return _home(request)


@require_POST
@learner_required
def set_visibility(
    request: LaunchRequest, award_uuid: object, *, course: Course, learner: Learner
) -> HttpResponse:
    award = get_object_or_404(holder_awards(course=course, learner=learner), uuid=award_uuid)
    form = PrivacyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the page is public or private."))
        return _home(request)
    try:
        credential = set_credential_visibility(
            actor=launch_actor(request), award=award, is_public=form.cleaned_data["is_public"]
        )
    except CredentialNotStored:
        messages.error(request, _("Choose whether the page is public or private."))
        return _home(request)
    if credential.is_public:
        messages.success(
            request, _("Your credential's page is public: anyone with the link can verify it.")
        )
    else:
        messages.success(request, _("Your credential's page is private now."))
    return _home(request)


def _own_credential(award_uuid: object, course: Course, learner: Learner) -> Credential:
    award = get_object_or_404(holder_awards(course=course, learner=learner), uuid=award_uuid)
    credential = stored_credential(award)
    if credential is None:
        raise Http404
    return credential


@require_GET
@learner_required
def holder_page(
    request: LaunchRequest, award_uuid: object, *, course: Course, learner: Learner
) -> HttpResponse:
    """The holder's "View and verify" page: the public page's content, with downloads from
    the holder's own views (they answer while the public page is private) and "Add to wallet"."""
    credential = _own_credential(award_uuid, course, learner)
    token = urlencode({"lt": request.lti_launch.token})
    assets = {
        fmt: f"{reverse('awarding:holder_download', args=[award_uuid, fmt])}?{token}"
        for fmt in DOWNLOAD_FORMATS
    }
    holder = {
        "wallet_url": reverse("wallet_issuance:add_to_wallet", args=[award_uuid]),
        "lt": request.lti_launch.token,
    }
    return credential_page_response(request, credential, asset_urls=assets, holder=holder)


@require_GET
@learner_required
def holder_download(
    request: LaunchRequest, award_uuid: object, fmt: str, *, course: Course, learner: Learner
) -> HttpResponse:
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404
    credential = _own_credential(award_uuid, course, learner)
    if fmt == "json":
        return credential_json_response(credential, download=True)
    if fmt == "jwt":
        # The OB 3.0 §8.2 form (typ JWT); the public .vc.jwt URL has the VC-JOSE-COSE one.
        token = stored_ob_jwt(credential)
        if token is None:  # its key is compromised and the form was never signed before
            raise Http404
        response = HttpResponse(token, content_type="application/jwt")
    elif fmt == "qr":
        return HttpResponse(baking.qr_png(credential.public_url), content_type="image/png")
    else:
        # The same baked image the public URL serves, so both show the page's pixels.
        response = baked_image_response(credential, fmt=fmt)
    response["Content-Disposition"] = f'attachment; filename="{credential.pk}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
