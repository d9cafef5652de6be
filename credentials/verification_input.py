"""What a person gave the verification page, read into credential text: a pasted JSON
document or JWT, or an uploaded .json / .jwt / baked PNG / baked SVG. Each way it can be
wrong has its own sentence; nothing here raises on bad input."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .baking import PNG_SIGNATURE, png_credential, svg_credential

MAX_UPLOAD = 2_000_000  # bytes: a baked badge is far smaller


@dataclass(frozen=True)
class Given:
    """Either `text` (a JWT) or `document` (a JSON object) to verify, or an `error`."""

    text: str | None = None
    document: dict[str, Any] | None = None
    error: str | None = None
    source: str = ""  # "paste", "json", "jwt", "png", "svg"


def too_large() -> Given:
    return Given(
        error=_("The file is larger than %(mb)d MB: a credential or baked badge is much smaller.")
        % {"mb": MAX_UPLOAD // 1_000_000}
    )


def _looks_like_jwt(text: str) -> bool:
    return text.count(".") == 2 and not text.startswith(("{", "["))


def read_text(text: str, *, source: str) -> Given:
    text = text.strip().lstrip("\ufeff")
    if not text:
        return Given(error=_("There is nothing to verify: paste a credential or choose a file."))
    if _looks_like_jwt(text):
        return Given(text=text, source=source)
    try:
        document = json.loads(text)
    except RecursionError:
        return Given(error=_("This JSON is nested too deeply to be a credential."))
    except ValueError:
        return Given(
            error=_(
                "This is neither JSON nor a JWT. Paste the credential's JSON, or its JWT "
                "(three parts separated by dots), or upload the file."
            )
        )
    if not isinstance(document, dict):
        return Given(error=_("This JSON is not a credential: a JSON object was expected."))
    return Given(document=document, source=source)


def read_upload(data: bytes) -> Given:
    if len(data) > MAX_UPLOAD:
        return too_large()
    if data.startswith(PNG_SIGNATURE):
        baked = png_credential(data)
        if baked is None:
            return Given(error=_("This PNG image has no Open Badges credential baked into it."))
        return read_text(baked, source="png")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype")):
        baked = svg_credential(data)
        if baked is None:
            return Given(
                error=_(
                    "This SVG image has no Open Badges credential baked into it "
                    "(or is not well-formed XML)."
                )
            )
        return read_text(baked, source="svg")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return Given(
            error=_("This file is not a credential: upload a .json, a .jwt, or a baked PNG or SVG.")
        )
    return read_text(text, source="json")
