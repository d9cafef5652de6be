"""Inside the LMS: an instructor prepares a bulk award or revocation CSV for their course and
reads the preview of every line; quality assurance applies it from the console
(qa_console.views.bulk), where the same preview is computed again. Nothing is applied here.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from assessments.models import Course
from lti_tool.launch_context import LaunchRequest, present_launch

from ..access import instructor_required, launch_actor
from ..bulk_awards import preview, store_upload
from ..bulk_csv import CsvRefused
from ..bulk_words import outcome_counts, preview_rows, refusal_words
from ..review_forms import BulkPrepareForm
from ..review_models import BulkUpload


@instructor_required
def prepare(request: LaunchRequest, *, course: Course) -> HttpResponse:
    form = BulkPrepareForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            upload = store_upload(
                course=course,
                kind=form.cleaned_data["kind"],
                data=file.read(),
                file_name=file.name or "",
                actor=launch_actor(request),
                actor_name=present_launch(request).name,
            )
        except CsvRefused as refused:
            form.add_error("file", refusal_words(refused))
        else:
            path = reverse("awarding:bulk_prepared", args=[upload.uuid])
            return redirect(f"{path}?lt={request.lti_launch.token}")
    uploads = BulkUpload.objects.filter(course=course).order_by("-uploaded_at", "-pk")[:50]
    return render(
        request,
        "awarding/bulk_prepare.html",
        {"form": form, "course": course, "uploads": uploads},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_GET
@instructor_required
def prepared(request: LaunchRequest, upload_uuid: object, *, course: Course) -> HttpResponse:
    upload = get_object_or_404(BulkUpload, uuid=upload_uuid, course=course)
    shown = preview(upload, actor=launch_actor(request))
    return render(
        request,
        "awarding/bulk_prepared.html",
        {
            "upload": upload,
            "course": course,
            "rows": preview_rows(shown.outcomes),
            "counts": outcome_counts(shown.outcomes),
            "failing": sum(1 for o in shown.outcomes if not o.applicable),
        },
    )
