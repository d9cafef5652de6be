"""AGS endpoints (line items, results, scores), shared by both flavours' URL shapes; every
difference between Moodle and Canvas is asked of the flavour."""

from __future__ import annotations

import json

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from .flavours.base import MT_LINEITEM, MT_LINEITEMS, MT_RESULTS, MT_SCORE, json_response
from .gate import ServiceCall, open_call
from .models import (
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READONLY,
    SCOPE_RESULT_READONLY,
    SCOPE_SCORE,
    SandboxEnrolment,
    SandboxLineItem,
    SandboxResult,
)
from .pagination import BadPage
from .scoring import Stored

READ = {SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY}
WRITE = {SCOPE_LINEITEM}
MAX_BODY = 64 * 1024
SUBMISSION_TYPE_EXT = "https://canvas.instructure.com/lti/submission_type"


def _json_body(request: HttpRequest):
    if len(request.body) > MAX_BODY:
        raise ValueError("request body too large")
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ValueError("request body is not JSON") from None


def _body_or_error(call: ServiceCall, request: HttpRequest):
    """The request's JSON body, or the flavour's 400 when it is too large or not JSON."""
    try:
        return _json_body(request)
    except ValueError as exc:
        return call.flavour.error(request, 400, str(exc))


def _line_item_fields(call: ServiceCall, request: HttpRequest, data, *, partial: bool):
    """Validated model fields from a line item body, or an error response."""
    err = call.flavour.error
    if not isinstance(data, dict):
        return err(request, 400, "The line item must be a JSON object")
    fields: dict = {}
    if "label" in data or not partial:
        label = data.get("label")
        if not isinstance(label, str) or not label.strip():
            return err(request, 400, "label is required")
        fields["label"] = label[:200]
    if "scoreMaximum" in data or not partial:
        maximum = data.get("scoreMaximum")
        if isinstance(maximum, bool) or not isinstance(maximum, (int, float)) or maximum <= 0:
            return err(request, 400, "scoreMaximum must be a number greater than 0")
        fields["score_maximum"] = float(maximum)
    for key, field in (
        ("tag", "tag"),
        ("resourceId", "resource_id"),
        ("startDateTime", "start_date_time"),
        ("endDateTime", "end_date_time"),
    ):
        if key in data:
            if not isinstance(data[key], str):
                return err(request, 400, f"{key} must be a string")
            fields[field] = data[key][:200]
    link_id = data.get("resourceLinkId") or data.get("ltiLinkId")
    if link_id:
        link = call.course.resource_links.filter(link_id=str(link_id)).first()
        if link is None:
            return err(
                request,
                call.flavour.unknown_link_status,
                "The specified LTI link ID is not associated with this course.",
            )
        fields["resource_link"] = link
    ext = data.get(SUBMISSION_TYPE_EXT)
    if ext is not None:
        if not isinstance(ext, dict) or ext.get("type") not in ("none", "external_tool"):
            return err(request, 400, "submission_type must be 'none' or 'external_tool'")
        fields["extensions"] = {SUBMISSION_TYPE_EXT: ext}
    return fields


@csrf_exempt
def line_items(request: HttpRequest, slug: str, course_id: int, **kw) -> HttpResponse:
    if request.method == "POST":
        return _create_line_item(request, slug, course_id)
    if request.method != "GET":
        return HttpResponse(status=405)
    call = open_call(
        request,
        slug=slug,
        course_id=course_id,
        target="lineitems",
        scopes=READ,
        media_type=MT_LINEITEMS,
    )
    if isinstance(call, HttpResponse):
        return call
    qs = (
        call.course.line_items.filter(other_tool=False)
        .select_related("resource_link", "course")
        .order_by("pk")
    )
    link_filter = request.GET.get("resource_link_id") or request.GET.get("lti_link_id")
    if link_filter:
        qs = qs.filter(resource_link__link_id=link_filter)
    if request.GET.get("tag"):
        qs = qs.filter(tag=request.GET["tag"])
    if request.GET.get("resource_id"):
        qs = qs.filter(resource_id=request.GET["resource_id"])
    for li in qs:
        li.course = call.course
    return call.page(
        request,
        kind="lineitems",
        items=qs,
        media_type=MT_LINEITEMS,
        body=lambda rows: [call.flavour.serialize_line_item(li, request=request) for li in rows],
    )


def _create_line_item(request: HttpRequest, slug: str, course_id: int) -> HttpResponse:
    call = open_call(
        request,
        slug=slug,
        course_id=course_id,
        target="lineitems",
        scopes=WRITE,
        media_type=MT_LINEITEM,
    )
    if isinstance(call, HttpResponse):
        return call
    data = _body_or_error(call, request)
    if isinstance(data, HttpResponse):
        return data
    fields = _line_item_fields(call, request, data, partial=False)
    if isinstance(fields, HttpResponse):
        return fields
    li = SandboxLineItem.objects.create(course=call.course, created_by_tool=True, **fields)
    li.course = call.course
    return call.respond(
        json_response(
            call.flavour.created_line_item(li, data, request=request),
            media_type=MT_LINEITEM,
            status=201,
        )
    )


def _open_line_item_call(
    request: HttpRequest,
    *,
    slug: str,
    course_id: int,
    item_id: int,
    target: str,
    scopes: set[str],
    media_type: str,
) -> tuple[ServiceCall, SandboxLineItem] | HttpResponse:
    """The checked call and the course's line item it names, or the refusal to send back."""
    call = open_call(
        request,
        slug=slug,
        course_id=course_id,
        target=target,
        scopes=scopes,
        media_type=media_type,
    )
    if isinstance(call, HttpResponse):
        return call
    li = call.course.line_items.select_related("resource_link").filter(pk=item_id).first()
    if li is None:
        return call.flavour.error(request, 404, "The specified resource does not exist.")
    if li.other_tool:
        return call.flavour.foreign_line_item(request)
    li.course = call.course
    return call, li


@csrf_exempt
def line_item(request: HttpRequest, slug: str, course_id: int, item_id: int, **kw) -> HttpResponse:
    if request.method not in ("GET", "PUT", "DELETE"):
        return HttpResponse(status=405)
    opened = _open_line_item_call(
        request,
        slug=slug,
        course_id=course_id,
        item_id=item_id,
        target="lineitems",
        scopes=READ if request.method == "GET" else WRITE,
        media_type=MT_LINEITEM,
    )
    if isinstance(opened, HttpResponse):
        return opened
    call, li = opened
    if request.method == "GET":
        return call.respond(
            json_response(
                call.flavour.serialize_line_item(li, request=request), media_type=MT_LINEITEM
            )
        )
    if request.method == "DELETE":
        refused = call.flavour.refuse_delete(li)
        if refused is not None:
            return refused
        li.delete()
        return call.respond(HttpResponse(status=204, content_type="text/html; charset=utf-8"))
    data = _body_or_error(call, request)
    if isinstance(data, HttpResponse):
        return data
    fields = _line_item_fields(call, request, data, partial=True)
    if isinstance(fields, HttpResponse):
        return fields
    for name, value in fields.items():
        setattr(li, name, value)
    li.save()
    return call.respond(
        json_response(
            call.flavour.created_line_item(li, data, request=request), media_type=MT_LINEITEM
        )
    )


@csrf_exempt
def results(
    request: HttpRequest,
    slug: str,
    course_id: int,
    item_id: int,
    result_id: int | None = None,
    **kw,
) -> HttpResponse:
    if request.method != "GET":
        return HttpResponse(status=405)
    opened = _open_line_item_call(
        request,
        slug=slug,
        course_id=course_id,
        item_id=item_id,
        target="results",
        scopes={SCOPE_RESULT_READONLY},
        media_type=MT_RESULTS,
    )
    if isinstance(opened, HttpResponse):
        return opened
    call, li = opened
    rows = li.results.all()  # every grade row, a cleared grade's included
    if request.GET.get("user_id"):
        user = call.flavour.find_user(call.platform, request.GET["user_id"])
        rows = rows.filter(user=user) if user else rows.none()
    if result_id is None:
        try:
            refused = call.flavour.results_refusal(
                request, platform=call.platform, graded=rows.exists()
            )
        except BadPage as exc:
            refused = call.flavour.error(request, 400, str(exc))
        if refused is not None:
            return call.respond(refused)
    # Only users with a grade are listed (neither LMS lists ungraded learners).
    qs = rows.filter(score_given__isnull=False).select_related("user").order_by("pk")

    def render(result):
        result.line_item = li
        return call.flavour.serialize_result(result)

    if result_id is not None:
        one = qs.filter(pk=result_id).first()
        if one is None:
            return call.flavour.error(request, 404, "The specified resource does not exist.")
        return call.respond(json_response(render(one), media_type=MT_RESULTS))
    return call.page(
        request,
        kind="results",
        items=qs,
        media_type=MT_RESULTS,
        body=lambda rows: [render(r) for r in rows],
    )


@csrf_exempt
def scores(request: HttpRequest, slug: str, course_id: int, item_id: int, **kw) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    opened = _open_line_item_call(
        request,
        slug=slug,
        course_id=course_id,
        item_id=item_id,
        target="scores",
        scopes={SCOPE_SCORE},
        media_type=MT_SCORE,
    )
    if isinstance(opened, HttpResponse):
        return opened
    call, li = opened
    body = _body_or_error(call, request)
    if isinstance(body, HttpResponse):
        return body
    user = call.flavour.find_user(
        call.platform, body.get("userId") if isinstance(body, dict) else None
    )
    is_learner = (
        user is not None
        and SandboxEnrolment.objects.filter(
            course=call.course, user=user, role=SandboxEnrolment.Role.LEARNER, active=True
        ).exists()
    )
    with transaction.atomic():
        result = None
        if user is not None:
            result = (
                SandboxResult.objects.select_for_update().filter(line_item=li, user=user).first()
            )
        stamp = None
        if result is not None:
            # A cleared grade is dated only if the LMS dated the clear (see scoring.py).
            graded = result.score_given is not None
            stamp = (
                (result.score_timestamp or result.updated_at) if graded else result.score_timestamp
            )
        stored = Stored(
            score=result.score_given if result else None,
            timestamp=stamp,
            teacher_override=bool(result and result.teacher_override),
        )
        decision = call.flavour.decide_score(
            body,
            line_item=li,
            is_learner=is_learner,
            stored=stored,
            updated_at=result.updated_at if result else None,
        )
        if decision.action == "refuse":
            return call.flavour.score_refused(request, decision)
        if decision.action != "ignore":
            if result is None:
                result = SandboxResult(line_item=li, user=user)
            if decision.action == "store":
                result.score_given = decision.score
                result.score_maximum = li.score_maximum
                result.teacher_override = False
            elif decision.action == "clear":
                result.score_given = None
                result.teacher_override = False
            result.comment = decision.comment
            result.activity_progress = decision.activity_progress
            result.grading_progress = decision.grading_progress
            result.score_timestamp = {"now": timezone.now(), "none": None}.get(
                decision.dated, decision.timestamp
            )
            result.extension = decision.extension
            # The score's own timestamp becomes the result's: Canvas then accepts an equal one
            # (a retry) and refuses an older one.
            result.updated_at = decision.timestamp or timezone.now()
            result.save()
    if result is None:
        result = SandboxResult(line_item=li, user=user)
    result.line_item = li
    return call.respond(call.flavour.score_accepted(result))
