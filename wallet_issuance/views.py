"""Thin views: the learner's "Add to wallet" page, and the OID4VCI endpoints a wallet calls.

The wallet endpoints answer JSON and never 500 on bad input: every refusal is an OAuth /
OID4VCI error object with the status the specifications give.
"""

from __future__ import annotations

import base64
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from assessments.models import Course, Learner
from awarding.access import launch_actor, learner_required, refuse
from awarding.selectors import holder_awards, stored_credential
from credentials.baking import qr_png
from credentials.models import Issuer
from lti_tool.launch_context import LaunchRequest

from .credential_requests import CredentialRequestError, issue_to_wallet
from .grants import GrantError, redeem_pre_authorized_code
from .metadata import authorization_server_metadata, credential_issuer_metadata
from .nonces import new_nonce
from .offers import PRE_AUTHORIZED_GRANT, OfferError, create_offer

MAX_BODY = 64_000


def _no_store(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, no_store=True)
    return response


def _error(error: str, description: str, *, status: int = 400) -> HttpResponse:
    return _no_store(
        JsonResponse({"error": error, "error_description": description}, status=status)
    )


@require_POST
@learner_required
def add_to_wallet(
    request: LaunchRequest, award_uuid: object, *, course: Course, learner: Learner
) -> HttpResponse:
    award = get_object_or_404(holder_awards(course=course, learner=learner), uuid=award_uuid)
    credential = stored_credential(award)
    if credential is None:
        return refuse(request, _("This credential has not been issued yet."), status=404)
    try:
        new = create_offer(
            credential=credential,
            actor=launch_actor(request),
            platform_id=course.platform_id,
            with_tx_code=getattr(settings, "WALLET_OFFER_TX_CODE", False),
        )
    except OfferError as exc:
        return refuse(request, str(exc), status=409)
    qr = "data:image/png;base64," + base64.b64encode(qr_png(new.deep_link)).decode("ascii")
    response = render(
        request,
        "wallet_issuance/offer.html",
        {
            "award": award,
            "credential": credential,
            "deep_link": new.deep_link,
            "qr_data_uri": qr,
            "tx_code": new.tx_code,
            "expires_at": new.offer.expires_at,
        },
    )
    return _no_store(response)


@require_safe
def issuer_metadata(request: HttpRequest) -> HttpResponse:
    issuer = Issuer.objects.filter(is_default=True).first() or Issuer.objects.first()
    body = credential_issuer_metadata(issuer_name=issuer.name if issuer else "Credbridge")
    response = JsonResponse(body)
    patch_cache_control(response, public=True, max_age=300)
    return response


@require_safe
def oauth_metadata(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(authorization_server_metadata())
    patch_cache_control(response, public=True, max_age=300)
    return response


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    if request.POST.get("grant_type") != PRE_AUTHORIZED_GRANT:
        return _error("unsupported_grant_type", "Only the pre-authorized code grant is offered.")
    code = request.POST.get("pre-authorized_code")
    if not code:
        return _error("invalid_request", "The pre-authorized_code is missing.")
    try:
        granted = redeem_pre_authorized_code(code=code, tx_code=request.POST.get("tx_code"))
    except GrantError as exc:
        return _error(exc.error, exc.description)
    body = {"access_token": granted.token, "token_type": "Bearer", "expires_in": granted.expires_in}
    return _no_store(JsonResponse(body))


@csrf_exempt
@require_POST
def nonce(request: HttpRequest) -> HttpResponse:
    return _no_store(JsonResponse({"c_nonce": new_nonce()}))


@csrf_exempt
@require_POST
def credential(request: HttpRequest) -> HttpResponse:
    scheme, _, access_token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not access_token.strip():
        response = _error("invalid_token", "A Bearer access token is required.", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="credbridge"'
        return response
    if len(request.body) > MAX_BODY:
        return _error("invalid_credential_request", "The request is too large.", status=413)
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, RecursionError):
        body = None
    try:
        answer = issue_to_wallet(access_token=access_token.strip(), body=body)
    except CredentialRequestError as exc:
        response = _error(exc.error, exc.description, status=exc.status)
        if exc.status == 401:
            response["WWW-Authenticate"] = f'Bearer error="{exc.error}"'
        return response
    return _no_store(JsonResponse(answer, json_dumps_params={"ensure_ascii": False}))
