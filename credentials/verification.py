"""verify_credential(document): the pure verifier fed from this tool's own records.

Used by the issuance self-check and the public page alike. DIDs and status lists of this
tool are resolved from the database; anything else is "not known" (no network at run time).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from django.utils import timezone

from .issuers import is_local_url, resolve_local_did
from .models import Credential, Issuer, SigningKey, StatusList
from .schema import schema_problems
from .verifier import VerificationResult, verify

__all__ = ["VerificationResult", "verify_credential"]


def _status_list_from_url(url: str) -> StatusList | None:
    if not isinstance(url, str) or not is_local_url(url):
        return None
    parts = urlsplit(url).path.strip("/").split("/")
    if len(parts) != 3 or parts[0] != "status-lists" or not parts[2].isdigit():
        return None
    return StatusList.objects.filter(issuer__slug=parts[1], number=int(parts[2])).first()


def _status_of(document: dict):
    def status_of(entry: dict) -> str | None:
        if entry.get("type") != "BitstringStatusListEntry":
            return None
        status_list = _status_list_from_url(entry.get("statusListCredential"))
        try:
            index = int(entry.get("statusListIndex"))
        except (TypeError, ValueError):
            return None
        if status_list is None or not 0 <= index < status_list.size:
            return None
        holder = Credential.objects.filter(status_list=status_list, status_index=index).first()
        if holder is None:
            return "active"  # the bit is clear
        if holder.status == Credential.Status.REVOKED:
            return "revoked"
        # Suspension is not in the published list (see the ADR); we know it for our own.
        if f"urn:uuid:{holder.pk}" == document.get("id"):
            return holder.status
        return "active"

    return status_of


def _compromised_since(method_id: str) -> datetime | None:
    did, _, key_id = method_id.partition("#")
    for issuer in Issuer.objects.filter(signing_keys__key_id=key_id).distinct():
        if did in (issuer.path_did, issuer.host_did):
            key = SigningKey.objects.get(issuer=issuer, key_id=key_id)
            return key.compromised_at
    return None


def verify_credential(
    document: dict, *, now: datetime | None = None, check_schema: bool = True
) -> VerificationResult:
    return verify(
        document,
        resolve_did=resolve_local_did,
        now=now or timezone.now(),
        status_of=_status_of(document) if isinstance(document, dict) else None,
        compromised_since=_compromised_since,
        schema_check=schema_problems if check_schema else None,
    )
