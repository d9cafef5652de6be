"""The learner's record pages: inside the LMS for its learner (create, download, share), and
the share link for anyone the learner gives it to. Thin: contents, records and record_view do
the work.

A learner reaches only their own record: the learner comes from the verified launch, never
from the request. Anyone else sees a record only through its share link, and only while the
learner keeps sharing on (404 otherwise, the same answer as for a link that never existed).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from assessments.models import Course, Learner
from awarding.access import launch_actor, learner_required
from credentials.jose_forms import stored_ob_jwt
from credentials.local_verification import verify_credential, verify_record_contents
from credentials.models import Credential
from credentials.signed_storage import IssuanceError
from credentials.vc_jwt import OB_JWT_MEDIA_TYPE
from lti_tool.launch_context import LaunchRequest

from .contents import record_contents
from .models import LearnerRecord
from .record_view import record_view
from .records import NothingToRecord, create_record, is_up_to_date, record_of, set_sharing

DOWNLOADS = {"json": "application/json", "jwt": OB_JWT_MEDIA_TYPE}


def _shown(credential: Credential) -> dict[str, Any]:
    """The record as signed, each credential in it with its status as verified now."""
    document = credential.data
    embedded = verify_record_contents(document)
    states = {e.credential_id: e.result.status for e in embedded}
    return {
        "view": record_view(document, states),
        "result": verify_credential(document),
        "failing": sum(not e.result.ok for e in embedded),
    }


def _back(request: LaunchRequest) -> HttpResponse:
    return redirect(f"{reverse('learner_records:record')}?lt={request.lti_launch.token}")


@require_GET
@learner_required
def record_page(request: LaunchRequest, *, course: Course, learner: Learner) -> HttpResponse:
    contents = record_contents(learner=learner)
    record = LearnerRecord.objects.filter(learner=learner, issuer=contents.issuer).first()
    version = record.latest() if record else None
    context: dict[str, Any] = {
        "course": course,
        "institution": contents.issuer.name,
        "holding": len(contents.credentials),
        "record": record,
        "version": version,
        "up_to_date": is_up_to_date(version, contents),
    }
    if record is not None and version is not None:
        context |= _shown(version.credential)
        context["share_url"] = request.build_absolute_uri(
            reverse("learner_records:shared", args=[record.share_token])
        )
    response = render(request, "learner_records/record.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_POST
@learner_required
def create(request: LaunchRequest, *, course: Course, learner: Learner) -> HttpResponse:
    try:
        version = create_record(actor=launch_actor(request), learner=learner)
    except NothingToRecord:
        messages.error(request, _("You hold no valid credential from this institution yet."))
    except IssuanceError:
        messages.error(request, _("Your record could not be signed. Please try again later."))
    else:
        messages.success(
            request,
            _("Your learner record now holds %(count)d credential(s).")
            % {"count": len(version.contents)},
        )
    return _back(request)


@require_POST
@learner_required
def sharing(request: LaunchRequest, *, course: Course, learner: Learner) -> HttpResponse:
    record = record_of(learner)
    if record is None or request.POST.get("shared") not in ("0", "1"):
        messages.error(request, _("Create your record first, then choose who can see it."))
        return _back(request)
    shared = request.POST["shared"] == "1"
    set_sharing(actor=launch_actor(request), record=record, shared=shared)
    messages.success(
        request,
        _("Anyone with the link can see your record now.")
        if shared
        else _("Your record is private now: the link shows nothing."),
    )
    return _back(request)


def _download(credential: Credential, fmt: str) -> HttpResponse:
    body = credential.document if fmt == "json" else stored_ob_jwt(credential)
    if body is None:  # its key is compromised and the form was never signed before
        raise Http404
    response = HttpResponse(body.encode("utf-8"), content_type=DOWNLOADS[fmt])
    response["Content-Disposition"] = f'attachment; filename="learner-record-{credential.pk}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@learner_required
def download(request: LaunchRequest, fmt: str, *, course: Course, learner: Learner) -> HttpResponse:
    record = record_of(learner)
    version = record.latest() if record else None
    if fmt not in DOWNLOADS or version is None:
        raise Http404
    return _download(version.credential, fmt)


def _shared_version(token: str):
    record = get_object_or_404(LearnerRecord.objects.select_related("issuer"), share_token=token)
    version = record.latest() if record.shared else None
    if version is None:
        raise Http404
    return version


@require_safe
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """The share link: the newest version of the record, verified, with its file."""
    version = _shared_version(token)
    context = _shown(version.credential) | {"token": token}
    response = render(request, "learner_records/shared.html", context)
    # A link the learner can switch off: no shared cache may keep it.
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def shared_download(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    if fmt not in DOWNLOADS:
        raise Http404
    return _download(_shared_version(token).credential, fmt)
