"""The OB 3.0 API's JSON endpoints: discovery, registration, getCredentials, getProfile.

Every refusal of a resource endpoint is an Imsx_StatusInfo body with the status the
specification lists; a bearer token only in the Authorization header.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.oauth2_backends import get_oauthlib_core

from credentials.models import Issuer, public_base_url

from ..discovery import API_PATH, service_description
from ..imsx import imsx_error
from ..models import Holder
from ..paging import PagingError, link_header, parse_page
from ..reads import record_read
from ..registration import RegistrationError, register_client
from ..registration_limit import over_the_limit
from ..resources import credentials_body, holder_credentials, holder_profile
from ..scopes import CREDENTIAL_READONLY, PROFILE_READONLY

MAX_REGISTRATION_BODY = 32_000


def _issuer_name() -> str:
    issuer = Issuer.objects.filter(is_default=True).first() or Issuer.objects.first()
    return issuer.name if issuer else "Credbridge"


def discovery(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return imsx_error("Only GET is allowed here.", status=405)
    response = JsonResponse(service_description(name=_issuer_name()))
    patch_cache_control(response, public=True, max_age=300)
    return response


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "ob_api/privacy.html", {"api": public_base_url() + API_PATH})


def _registration_error(error: str, description: str, status: int = 400) -> HttpResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    patch_cache_control(response, no_store=True)
    return response


@csrf_exempt
def register(request: HttpRequest) -> HttpResponse:
    """RFC 7591 §3: POST a JSON client metadata document, get 201 and the client's secret."""
    if request.method != "POST":
        return _registration_error("invalid_request", "POST the client metadata.", 405)
    if request.content_type != "application/json":
        return _registration_error("invalid_client_metadata", "Send application/json.")
    if over_the_limit(request):
        response = _registration_error(
            "invalid_request", "Too many registrations from this address: try in an hour.", 429
        )
        response["Retry-After"] = "3600"
        return response
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_REGISTRATION_BODY + 1
    if length > MAX_REGISTRATION_BODY:
        return _registration_error("invalid_client_metadata", "The request is too large.", 413)
    try:
        body = json.loads(request.body)
    except (ValueError, RecursionError):
        return _registration_error("invalid_client_metadata", "The body is not JSON.")
    try:
        registered = register_client(body=body, remote_addr=request.META.get("REMOTE_ADDR", ""))
    except RegistrationError as exc:
        return _registration_error(exc.error, exc.description)
    response = JsonResponse(registered.response, status=201)
    patch_cache_control(response, no_store=True)
    return response


Resource = Callable[[HttpRequest, Holder, str], HttpResponse]


def _protected(scope: str, view: Resource) -> Callable[[HttpRequest], HttpResponse]:
    """GET only; a valid Bearer token in the Authorization header, with `scope`, of a learner."""

    def wrapper(request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return imsx_error("Only GET is allowed here.", status=405)
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return imsx_error("A Bearer access token is required.", status=401)
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[scope])
        if not valid:
            error = (getattr(oauth_request, "oauth2_error", None) or {}).get("error")
            if error == "insufficient_scope":
                return imsx_error(
                    f"The access token was not granted {scope}.",
                    status=403,
                    bearer_error="insufficient_scope",
                )
            return imsx_error(
                "The access token is unknown, expired or revoked.",
                status=401,
                bearer_error="invalid_token",
            )
        holder = Holder.objects.select_related("learner").filter(user=oauth_request.user).first()
        if holder is None:
            return imsx_error("This token belongs to no learner.", status=403)
        response = view(request, holder, oauth_request.client.client_id)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return csrf_exempt(wrapper)


def _credentials(request: HttpRequest, holder: Holder, client_id: str) -> HttpResponse:
    try:
        page = parse_page(request.GET.dict())
    except PagingError as exc:
        return imsx_error(str(exc), status=400)
    chosen, total = holder_credentials(holder.learner, page)
    body = credentials_body(chosen)
    record_read(
        holder=holder,
        client_id=client_id,
        what="credentials",
        details={"ids": [c["id"] for c in body["credential"]], "offset": page.offset},
    )
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["X-Total-Count"] = str(total)
    response["Link"] = link_header(public_base_url() + API_PATH + "/credentials", page, total)
    return response


def _profile(request: HttpRequest, holder: Holder, client_id: str) -> HttpResponse:
    record_read(holder=holder, client_id=client_id, what="profile", details={})
    return JsonResponse(holder_profile(holder.learner), json_dumps_params={"ensure_ascii": False})


credentials = _protected(CREDENTIAL_READONLY, _credentials)
profile = _protected(PROFILE_READONLY, _profile)
