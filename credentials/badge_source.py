"""The bytes of a credential's badge image: its `achievement.image`, the one source of the
badge's pixels for the pages and the baked PNG and SVG.

A data URI carries the image itself; an http(s) URL is read only when it names a file of this
tool's own media storage (an uploaded achievement image), never fetched over the network.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage

from .baking import data_uri_image

MAX_BADGE_BYTES = 5_000_000


@dataclass(frozen=True)
class BadgeImage:
    media_type: str
    data: bytes


def image_reference(document: dict[str, Any]) -> str | None:
    """The credential's achievement image (its id, or the bare URI), or None."""
    subject = document.get("credentialSubject") or {}
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    image = achievement.get("image") if isinstance(achievement, dict) else None
    reference = image.get("id") if isinstance(image, dict) else image
    return reference if isinstance(reference, str) else None


def _media_name(reference: str) -> str | None:
    prefix = settings.PUBLIC_BASE_URL.rstrip("/") + settings.MEDIA_URL
    if not reference.startswith(prefix):
        return None
    name = reference[len(prefix) :]
    return name if name and ".." not in name.split("/") else None


def badge_image(document: dict[str, Any]) -> BadgeImage | None:
    """The image the credential names, as bytes, or None (no image, or not ours to read)."""
    reference = image_reference(document)
    if reference is None:
        return None
    inline = data_uri_image(reference)
    if inline is not None:
        return BadgeImage(*inline)
    name = _media_name(reference)
    media_type, _ = mimetypes.guess_type(name or "")
    if name is None or media_type is None or not media_type.startswith("image/"):
        return None
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read(MAX_BADGE_BYTES + 1)
    except (OSError, SuspiciousFileOperation):
        return None
    return BadgeImage(media_type, data) if len(data) <= MAX_BADGE_BYTES else None
