"""issue(document) -> signed credential, pure: the pre-sign check, then the proof."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .document_checks import check_document
from .proofs import sign_document


def format_datetime(moment: datetime) -> str:
    """The one date format credentials use: YYYY-MM-DDTHH:MM:SSZ (UTC, whole seconds)."""
    if moment.tzinfo is None:
        raise ValueError("datetimes in credentials must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def sign_credential(
    document: dict[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
) -> dict[str, Any]:
    """Check `document` (UnsafeDocumentError lists every problem), then add its proof."""
    canonical = check_document(document)
    return sign_document(
        document,
        private_key=private_key,
        verification_method=verification_method,
        created=format_datetime(created),
        canonical_document=canonical,
    )
