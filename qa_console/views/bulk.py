"""Bulk award and bulk revocation from a CSV: upload, the preview of every line, apply.

Nothing is signed or revoked before the person has seen every line's outcome, and then all
lines are applied in one transaction or none (awarding.bulk_awards). A QA user works on the
courses of the platforms they are linked to only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.models import Course
from awarding.bulk_awards import BulkRefused, Preview, apply_upload, preview, store_upload
from awarding.bulk_csv import CsvRefused
from awarding.bulk_words import outcome_counts, outcome_words, preview_rows, refusal_words
from awarding.review_forms import BulkUploadForm
from awarding.review_models import BulkUpload

from ..access import qa_required, scope_to_platforms
from ..csv_stream import streaming_csv
from ..handoff import console_actor

PER_PAGE = 25
PREVIEW_HEADER = [
    "line",
    "outcome",
    "learner",
    "achievement",
    "reason",
    "evidence_or_public_reason",
]


def _courses(platform_ids: frozenset[int]) -> QuerySet[Course]:
    return scope_to_platforms(Course.objects.all(), platform_ids, "platform_id").order_by(
        "title", "pk"
    )


def _uploads(platform_ids: frozenset[int]) -> QuerySet[BulkUpload]:
    return scope_to_platforms(
        BulkUpload.objects.select_related("course"), platform_ids, "course__platform_id"
    )


@qa_required
def bulk(request: HttpRequest, *, platform_ids: frozenset[int]) -> HttpResponse:
    form = BulkUploadForm(
        request.POST or None, request.FILES or None, courses=_courses(platform_ids)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = console_actor(request)
        try:
            upload = store_upload(
                course=data["course"],
                kind=data["kind"],
                data=data["file"].read(),
                file_name=data["file"].name or "",
                actor=actor.id,
                actor_name=actor.name,
            )
        except CsvRefused as refused:
            form.add_error("file", refusal_words(refused))
        else:
            return redirect("qa:bulk_preview", upload.uuid)
    uploads = Paginator(_uploads(platform_ids).order_by("-uploaded_at", "-pk"), PER_PAGE)
    return render(
        request,
        "qa_console/bulk/upload.html",
        {"form": form, "page": uploads.get_page(request.GET.get("page"))},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _render_preview(request: HttpRequest, shown: Preview, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "qa_console/bulk/preview.html",
        {
            "upload": shown.upload,
            "rows": preview_rows(shown.outcomes),
            "counts": outcome_counts(shown.outcomes),
            "failing": sum(1 for o in shown.outcomes if not o.applicable),
            "token": shown.token,
        },
        status=status,
    )


@require_GET
@qa_required
def bulk_preview(
    request: HttpRequest, upload_uuid: object, *, platform_ids: frozenset[int]
) -> HttpResponse:
    upload = get_object_or_404(_uploads(platform_ids), uuid=upload_uuid)
    return _render_preview(request, preview(upload, actor=console_actor(request).id))


@require_POST
@qa_required
def bulk_apply(
    request: HttpRequest, upload_uuid: object, *, platform_ids: frozenset[int]
) -> HttpResponse:
    upload = get_object_or_404(_uploads(platform_ids), uuid=upload_uuid)
    actor = console_actor(request)
    try:
        applied = apply_upload(
            upload=upload,
            token=str(request.POST.get("token", "")),
            actor=actor.id,
            actor_name=actor.name,
        )
    except BulkRefused as refused:
        messages.error(request, str(refused))
        upload.refresh_from_db()
        return _render_preview(request, preview(upload, actor=actor.id), status=409)
    if upload.kind == BulkUpload.Kind.AWARD:
        done = _("Applied: %(n)d credentials are being issued and their learners told.")
    else:
        done = _("Applied: %(n)d credentials revoked and their learners told.")
    messages.success(request, done % {"n": applied})
    return redirect("qa:bulk_preview", upload.uuid)


@require_GET
@qa_required
def bulk_preview_csv(
    request: HttpRequest, upload_uuid: object, *, platform_ids: frozenset[int]
) -> HttpResponseBase:
    """The preview as a CSV (every cell defused against formula injection by streaming_csv:
    the learner's and reason's cells come from the uploaded file)."""
    upload = get_object_or_404(_uploads(platform_ids), uuid=upload_uuid)
    shown = preview(upload, actor=console_actor(request).id)
    rows = (
        [o.line, outcome_words(o.outcome, o.detail), o.learner, o.achievement, o.reason, o.extra]
        for o in shown.outcomes
    )
    return streaming_csv(f"credbridge-bulk-preview-{upload.uuid}.csv", PREVIEW_HEADER, rows)
