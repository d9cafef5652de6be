"""An evidence file uploaded with an award proposal: which files are taken, and under what
name they are stored (ADR 0067).

The type is read from the file's first bytes, never from its name or the browser's word for
it: only PDF, PNG and JPEG, so nothing this origin serves back can run script. The stored name
is random; the name the instructor's computer gave it is kept apart, for people only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

# First bytes -> (content type, extension).
_SIGNATURES = (
    (b"%PDF-", ("application/pdf", "pdf")),
    (b"\x89PNG\r\n\x1a\n", ("image/png", "png")),
    (b"\xff\xd8\xff", ("image/jpeg", "jpg")),
)
CONTENT_TYPES = frozenset(kind for _magic, (kind, _ext) in _SIGNATURES)


class EvidenceFileRefused(ValueError):
    """The file is not taken; the message says why, for the instructor."""


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    stored_name: str  # random, with the extension of its real type
    shown_name: str  # the uploader's file name, trimmed, for pages only


def max_bytes() -> int:
    return int(settings.EVIDENCE_FILE_MAX_BYTES)


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a file starting with `head`, if it is a type we take."""
    for magic, found in _SIGNATURES:
        if head.startswith(magic):
            return found
    return None


def check_upload(upload: UploadedFile) -> CheckedFile:
    """The upload's real type and the names to keep, or EvidenceFileRefused."""
    size = upload.size or 0
    if size > max_bytes():
        raise EvidenceFileRefused(
            _("The file is larger than %(mb)s MB.") % {"mb": max_bytes() // (1024 * 1024)}
        )
    if size == 0:
        raise EvidenceFileRefused(_("The file is empty."))
    upload.seek(0)
    found = sniff(upload.read(16))
    upload.seek(0)
    if found is None:
        raise EvidenceFileRefused(_("Only PDF, PNG and JPEG files are taken as evidence."))
    content_type, extension = found
    shown = " ".join((upload.name or "").split())[-200:]
    return CheckedFile(content_type, f"{uuid.uuid4().hex}.{extension}", shown)


def file_response(*, stored: FieldFile, content_type: str, public: bool) -> FileResponse:
    """The stored file as a download that cannot run in this origin: its sniffed type only,
    no sniffing by the browser, a sandbox, and (unless public) kept out of shared caches."""
    if content_type not in CONTENT_TYPES:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=content_type == "application/pdf",
        filename=f"evidence.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cross-Origin-Resource-Policy"] = "same-origin" if not public else "cross-origin"
    if public:
        patch_cache_control(response, public=True, max_age=300)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
