"""Public views: credential page and downloads, issuer profile, DID documents, status lists.

Thin: the work is in presentation, baking, issuers, status_lists and verification.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_http_methods, require_safe

from . import baking
from .badge_source import badge_image
from .clr_json import is_clr
from .issuer_pages import listed_achievements, listed_endorsements, profile_json
from .issuers import issuer_did_document
from .jose_forms import stored_ob_jwt, stored_vc_jose
from .local_verification import (
    VerificationResult,
    verify_credential,
    verify_credential_jwt,
    verify_record_contents,
)
from .models import Credential, Issuer, StatusList
from .presentation import credential_view, email_url, linkedin_url
from .status_lists import signed_status_list
from .vc_jwt import OB_JWT_MEDIA_TYPE, VC_JOSE_MEDIA_TYPE, jwt_payload
from .verification_input import MAX_UPLOAD, Given, read_text, read_upload, too_large
from .verification_report import report

JSON_TYPES = ("application/json", "application/ld+json", "application/vc+ld+json", "application/vc")
STATUS_LIST_MAX_AGE = 300  # revocations reach verifiers within five minutes


def public_credential(credential_uuid) -> Credential:
    """The credential if the public may see it; 404 otherwise (same answer for private)."""
    credential = get_object_or_404(Credential.objects.select_related("issuer"), pk=credential_uuid)
    if not credential.is_public:
        raise Http404
    return credential


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return any(t in accept for t in JSON_TYPES) and "text/html" not in accept


def _wanted_jwt_form(request: HttpRequest) -> str | None:
    """ "vc+jwt" or "jwt" when the Accept header asks for that JWT form (and not for HTML)."""
    accept = request.headers.get("Accept", "")
    if "text/html" in accept:
        return None
    if VC_JOSE_MEDIA_TYPE in accept:
        return "vc+jwt"
    if OB_JWT_MEDIA_TYPE in accept:
        return "jwt"
    return None


def jwt_form_response(credential: Credential, form: str) -> HttpResponse:
    """The stored bytes of one JWT form: "jwt" (OB 3.0 §8.2) or "vc+jwt" (VC-JOSE-COSE)."""
    if form == "vc+jwt":
        token, media_type, suffix = stored_vc_jose(credential), VC_JOSE_MEDIA_TYPE, "vc.jwt"
    else:
        token, media_type, suffix = stored_ob_jwt(credential), OB_JWT_MEDIA_TYPE, "jwt"
    if token is None:  # its key is compromised and the form was never signed before
        raise Http404
    response = HttpResponse(token, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{credential.pk}.{suffix}"'
    patch_vary_headers(response, ["Accept"])
    return response


def credential_json_response(credential: Credential, *, download: bool = False) -> HttpResponse:
    response = HttpResponse(credential.document.encode("utf-8"), content_type="application/json")
    if download:
        response["Content-Disposition"] = f'attachment; filename="{credential.pk}.json"'
    return response


ASSET_FORMATS = ("json", "jwt", "svg", "png", "qr")


def public_asset_urls(credential: Credential) -> dict[str, str]:
    urls = {fmt: reverse(f"credentials:{fmt}", args=[credential.pk]) for fmt in ASSET_FORMATS}
    urls["json"] += "?download=1"
    return urls


def credential_page_response(
    request: HttpRequest,
    credential: Credential,
    *,
    asset_urls: dict[str, str] | None = None,
    holder: dict[str, str] | None = None,
) -> HttpResponse:
    """The HTML page of any credential (callers decide who may see a private one).

    `asset_urls` (keys json, jwt, svg, png, qr) point the images and downloads elsewhere, e.g.
    at the holder's own download views when the public copies are private. `holder` (keys
    wallet_url, lt) adds what only the holder may do: "Add to wallet".
    """
    document = credential.data
    result = verify_credential(document)
    view = credential_view(document)
    page_url = credential.public_url
    # The name as signed into the credential, not today's profile.
    issuer_name = view["issuer"].get("name") or credential.issuer.name
    assets = {**public_asset_urls(credential), **(asset_urls or {})}
    image = view["achievement_image"]
    response = render(
        request,
        "credentials/credential.html",
        {
            "credential": credential,
            "view": view,
            "result": result,
            "page_url": page_url,
            "assets": assets,
            # The image the credential carries, shown as is (the baked PNG and SVG hold the
            # same pixels); the baked PNG when it names an image elsewhere.
            "badge_src": image
            if isinstance(image, str) and image.startswith("data:image/")
            else assets["png"],
            "holder": holder,
            "email_url": email_url(name=view["name"], issuer_name=issuer_name, page_url=page_url),
            "issuer_name": issuer_name,
            "linkedin_url": linkedin_url(
                name=view["name"],
                issuer_name=issuer_name,
                page_url=page_url,
                credential_id=str(credential.pk),
                view=view,
            ),
        },
    )
    patch_vary_headers(response, ["Accept"])
    return response


@require_safe
def credential_page(request: HttpRequest, credential_uuid) -> HttpResponse:
    credential = public_credential(credential_uuid)
    form = _wanted_jwt_form(request)
    if form is not None:
        return jwt_form_response(credential, form)
    if _wants_json(request):
        response = credential_json_response(credential)
        patch_vary_headers(response, ["Accept"])
        return response
    return credential_page_response(request, credential)


@require_safe
def credential_json(request: HttpRequest, credential_uuid) -> HttpResponse:
    credential = public_credential(credential_uuid)
    return credential_json_response(credential, download=request.GET.get("download") == "1")


@require_safe
def credential_jwt(request: HttpRequest, credential_uuid) -> HttpResponse:
    """OB 3.0 §8.2 form; the VC-JOSE-COSE form when Accept asks for application/vc+jwt."""
    credential = public_credential(credential_uuid)
    return jwt_form_response(credential, _wanted_jwt_form(request) or "jwt")


@require_safe
def credential_vc_jose(request: HttpRequest, credential_uuid) -> HttpResponse:
    return jwt_form_response(public_credential(credential_uuid), "vc+jwt")


def baked_image_response(credential: Credential, *, fmt: str) -> HttpResponse:
    """The baked badge ("svg" or "png") of any credential, made from the credential's own
    image (badge_source) so both show the page's pixels; the SVG never runs anything (CSP)."""
    source = badge_image(credential.data)
    image = source.data if source else None
    if fmt == "png":
        body = baking.baked_png(
            credential_json=credential.document,
            name=credential.achievement_name,
            issuer_name=credential.issuer.name,
            image=image,
        )
        return HttpResponse(body, content_type="image/png")
    body = baking.baked_svg(
        credential_json=credential.document,
        name=credential.achievement_name,
        issuer_name=credential.issuer.name,
        image=image,
        image_type=source.media_type if source else baking.SVG_TYPE,
    )
    response = HttpResponse(body, content_type="image/svg+xml")
    # The badge's pixels are a data: image inside the SVG; nothing else may load.
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    )
    return response


def _public_baked_image(credential_uuid, *, fmt: str) -> HttpResponse:
    credential = public_credential(credential_uuid)
    response = baked_image_response(credential, fmt=fmt)
    response["Content-Disposition"] = f'inline; filename="{credential.pk}.{fmt}"'
    return response


@require_safe
def credential_svg(request: HttpRequest, credential_uuid) -> HttpResponse:
    return _public_baked_image(credential_uuid, fmt="svg")


@require_safe
def credential_png(request: HttpRequest, credential_uuid) -> HttpResponse:
    return _public_baked_image(credential_uuid, fmt="png")


@require_safe
def credential_qr(request: HttpRequest, credential_uuid) -> HttpResponse:
    credential = public_credential(credential_uuid)
    return HttpResponse(baking.qr_png(credential.public_url), content_type="image/png")


def _json(data: dict, *, max_age: int = 3600) -> HttpResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    patch_cache_control(response, public=True, max_age=max_age)
    return response


# What /issuers/<slug> answers, in the order a client without preference (no Accept, */*)
# gets them: machines (verifiers fetching `issuer.url`) keep getting the Profile JSON.
ISSUER_PAGE_TYPES = ["application/json", "application/ld+json", "text/html"]
ISSUER_PAGE_MAX_AGE = 300


@require_safe
def issuer_profile(request: HttpRequest, slug: str) -> HttpResponse:
    """The issuer's page: its OB 3.0 Profile JSON, or HTML listing its achievements."""
    issuer = get_object_or_404(Issuer, slug=slug)
    wanted = request.get_preferred_type(ISSUER_PAGE_TYPES)
    if wanted == "text/html":
        response = render(
            request,
            "credentials/issuer.html",
            # Shared caches keep this page: nobody's messages on it (they wait for the next).
            {
                "issuer": issuer,
                "achievements": listed_achievements(issuer),
                "endorsements": listed_endorsements(issuer),
                "messages": (),
            },
        )
        patch_cache_control(response, public=True, max_age=ISSUER_PAGE_MAX_AGE)
    else:
        response = _json(profile_json(issuer), max_age=ISSUER_PAGE_MAX_AGE)
        if wanted == "application/ld+json":
            response["Content-Type"] = "application/ld+json"
    # One URL, two bodies: shared caches must key on Accept.
    patch_vary_headers(response, ["Accept"])
    return response


@require_safe
def issuer_did(request: HttpRequest, slug: str) -> HttpResponse:
    issuer = get_object_or_404(Issuer, slug=slug)
    return _json(issuer_did_document(issuer, did=issuer.path_did), max_age=300)


@require_safe
def host_did(request: HttpRequest) -> HttpResponse:
    issuer = Issuer.objects.filter(is_default=True).first()
    if issuer is None:
        raise Http404
    return _json(issuer_did_document(issuer, did=issuer.host_did), max_age=300)


@require_safe
def status_list(
    request: HttpRequest, slug: str, number: int, purpose: str = "revocation"
) -> HttpResponse:
    status = get_object_or_404(
        StatusList.objects.select_related("issuer"), issuer__slug=slug, number=number
    )
    key = f"credentials:status-list:{status.pk}:{purpose}:{status.revision}"
    body = cache.get(key)
    if body is None:
        body = json.dumps(signed_status_list(status, purpose), indent=2)
        cache.set(key, body, timeout=24 * 3600)
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=STATUS_LIST_MAX_AGE)
    return response


# A request body this large is refused before Django reads it (a form's fields beside the
# file are small).
MAX_REQUEST = MAX_UPLOAD + 100_000


def _verify(given: Given) -> tuple[VerificationResult, dict[str, Any] | None, dict[str, Any]]:
    """(the result, the JSON document given, the credential as read: the JSON document or a
    JWT's payload, unverified, whose embedded credentials each carry their own proof)."""
    if given.document is not None:
        return verify_credential(given.document), given.document, given.document
    token = given.text or ""
    return verify_credential_jwt(token), None, jwt_payload(token)


def _embedded_rows(read: dict[str, Any]) -> list[dict[str, Any]]:
    """Each credential inside a learner's record (CLR), verified on its own, for the page."""
    rows = []
    for embedded in verify_record_contents(read):
        failed = embedded.result.errors
        rows.append(
            {
                "position": embedded.position,
                "name": embedded.name or embedded.credential_id,
                "ok": embedded.result.ok,
                "status": embedded.result.status,
                "sentence": failed[0] if failed else EMBEDDED_PASSED,
            }
        )
    return rows


EMBEDDED_PASSED = "Its proof, issuer key, status, dates and Open Badges 3.0 schema all pass."


@require_http_methods(["GET", "HEAD", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """Anyone can check a credential of this tool: paste JSON or a JWT (either form), or
    upload a .json, .jwt or baked PNG/SVG. The answer names each part that was checked."""
    context: dict[str, Any] = {"max_mb": MAX_UPLOAD // 1_000_000}
    status = 200
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_REQUEST:
            given = too_large()
        else:
            upload = request.FILES.get("file")
            if upload is not None:
                given = read_upload(upload.read(MAX_UPLOAD + 1))
            else:
                given = read_text(request.POST.get("credential") or "", source="paste")
        if given.error:
            context["error"] = given.error
            status = 413 if given.error == too_large().error else 400
        else:
            result, document, read = _verify(given)
            context["result"] = result
            context["parts"] = report(result, schema_title="CLR 2.0 schema" if is_clr(read) else "")
            context["embedded"] = _embedded_rows(read)
            context["embedded_failed"] = sum(not row["ok"] for row in context["embedded"])
            context["view"] = credential_view(document) if document else None
            context["source"] = given.source
    return render(request, "credentials/verify.html", context, status=status)
