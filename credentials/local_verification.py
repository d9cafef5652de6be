"""verify_credential(document): the pure checks (verification_checks) fed from our records.

Used by the issuance self-check and the public page alike. DIDs and status lists of this
tool are resolved from the database; anything else is "not known" (no network at run time),
except that an EndorsementCredential may be signed by an outside organisation whose did:web
an app above this one registered (its keys stored then): that app lends its resolver here.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import jwt
from django.utils import timezone

from .clr_json import is_clr
from .clr_schema import clr_schema_problems
from .issuers import is_local_url, resolve_local_did
from .models import Credential, SigningKey, StatusList
from .schema import is_endorsement, schema_problems
from .verification_checks import (
    DidResolver,
    EmbeddedResult,
    KeyProblem,
    SchemaCheck,
    StatusLookup,
    VerificationResult,
    verify,
    verify_embedded,
    verify_jwt,
)

__all__ = [
    "EmbeddedResult",
    "KnownRecords",
    "VerificationResult",
    "register_endorser_resolver",
    "verify_credential",
    "verify_credential_jwt",
    "verify_record_contents",
]

# Outside organisations' DIDs, stored when an operator registered them (ADR 0066). They vouch
# for endorsements only: an AchievementCredential signed by an endorser is not ours.
_endorser_resolvers: list[DidResolver] = []


def register_endorser_resolver(resolver: DidResolver) -> None:
    """Let EndorsementCredentials of registered outside organisations be verified."""
    if resolver not in _endorser_resolvers:
        _endorser_resolvers.append(resolver)


@dataclass
class KnownRecords:
    """What the self-checks of one issuing batch read once, inside its transaction (ADR 0074):
    each DID document, signing key and status list, on first need; and the status indexes the
    batch drew free, which its own credentials are about to hold (so they read "active", as
    the public page will read them once stored)."""

    dids: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    keys: dict[str, SigningKey | None] = field(default_factory=dict)
    lists: dict[str, StatusList | None] = field(default_factory=dict)
    fresh: set[tuple[int, int]] = field(default_factory=set)


def _memo(cache: dict[str, Any], read: Callable[[str], Any]) -> Callable[[str], Any]:
    def get(key: str) -> Any:
        if key not in cache:
            cache[key] = read(key)
        return cache[key]

    return get


def _resolver_for(document: object) -> DidResolver:
    if not is_endorsement(document) or not _endorser_resolvers:
        return resolve_local_did

    def resolve(did: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = resolve_local_did(did)
        for resolver in _endorser_resolvers:
            if found is not None:
                break
            found = resolver(did)
        return found

    return resolve


def _status_list_from_url(url: object) -> StatusList | None:
    if not isinstance(url, str) or not is_local_url(url):
        return None
    parts = urlsplit(url).path.strip("/").split("/")
    if len(parts) != 3 or parts[0] != "status-lists" or not parts[2].isdigit():
        return None
    return StatusList.objects.filter(issuer__slug=parts[1], number=int(parts[2])).first()


def _status_of(document: dict[str, Any], known: KnownRecords | None = None) -> StatusLookup:
    def status_of(entry: dict[str, Any]) -> str | None:
        if entry.get("type") != "BitstringStatusListEntry":
            return None
        url = entry.get("statusListCredential")
        if known is not None and isinstance(url, str):
            status_list = _memo(known.lists, _status_list_from_url)(url)
        else:
            status_list = _status_list_from_url(url)
        try:
            # A missing index fails like a junk one (ValueError): "not known".
            index = int(entry.get("statusListIndex", ""))
        except (TypeError, ValueError):
            return None
        if status_list is None or not 0 <= index < status_list.size:
            return None
        if known is not None and (status_list.pk, index) in known.fresh:
            return "active"  # drawn free in this transaction, for the credential being checked
        holder = Credential.objects.filter(status_list=status_list, status_index=index).first()
        if holder is None:
            return "active"  # the bit is clear
        # Both bits are published at this index (the suspension list beside the revocation
        # list, ADR 0062), so a copy sharing the entry (a wallet's) reads the same status.
        return holder.status

    return status_of


# Copies of credentials kept by apps above this one (the wallet's holder-bound copies, ADR
# 0060) are not Credential rows. Such an app registers a lookup at start-up: copy id ->
# (when it was issued, the exact text that was sent: the JSON document or the compact JWT).
CopyLookup = Callable[[uuid.UUID], tuple[datetime, str] | None]
_copy_lookups: list[CopyLookup] = []


def register_copy_lookup(lookup: CopyLookup) -> None:
    """Let the compromised-key check vouch for copies an app above this one keeps."""
    if lookup not in _copy_lookups:
        _copy_lookups.append(lookup)


def _same_text(sent: str, presented: dict[str, Any] | str) -> bool:
    if isinstance(presented, str):
        return sent == presented
    try:
        return bool(json.loads(sent) == presented)
    except ValueError:
        return False


def _issued_before(
    credential_id: uuid.UUID, key: SigningKey, presented: dict[str, Any] | str
) -> bool:
    """Whether we ourselves issued exactly this, with this key, before it was compromised."""
    assert key.compromised_at is not None
    record = Credential.objects.filter(pk=credential_id, signing_key=key).first()
    if record is not None and record.issued_at < key.compromised_at:
        if isinstance(presented, str):
            # Only forms signed and stored before the compromise: none is signed after it.
            return presented in {form for form in (record.jwt, record.vc_jwt) if form}
        return bool(record.data == presented)
    for lookup in _copy_lookups:
        copy = lookup(credential_id)
        if copy is not None and copy[0] < key.compromised_at and _same_text(copy[1], presented):
            return True
    return False


def _signing_key(method_id: str) -> SigningKey | None:
    did, _, key_id = method_id.partition("#")
    for key in SigningKey.objects.filter(key_id=key_id).select_related("issuer"):
        if did in (key.issuer.path_did, key.issuer.host_did):
            return key
    return None


def _key_problem(method_id: str, document: dict[str, Any]) -> str | None:
    """A compromised key vouches only for what we stored, signed before the compromise.

    The proof's `created` proves nothing here (the thief can back-date it), so the test is
    our own record: the same credential, issued with this key before `compromised_at`.
    """
    return _compromised_key_problem(method_id, document, document)


def _known_key_problem(known: KnownRecords) -> KeyProblem:
    def key_problem(method_id: str, document: dict[str, Any]) -> str | None:
        find = _memo(known.keys, _signing_key)
        return _compromised_key_problem(method_id, document, document, find_key=find)

    return key_problem


def _compromised_key_problem(
    method_id: str,
    document: dict[str, Any],
    presented: dict[str, Any] | str,
    *,
    find_key: Callable[[str], SigningKey | None] = _signing_key,
) -> str | None:
    key = find_key(method_id)
    if key is None or key.compromised_at is None:
        return None
    credential_id = str(document.get("id", "")).removeprefix("urn:uuid:")
    try:
        if _issued_before(uuid.UUID(credential_id), key, presented):
            return None
    except ValueError:
        pass
    return (
        "The issuer reported the signing key as compromised, and this credential is not one "
        "it issued with that key before then."
    )


def _schema_check(document: object) -> SchemaCheck:
    """A learner's record (CLR 2.0) has its own schema; every other credential is OB 3.0."""
    return clr_schema_problems if is_clr(document) else schema_problems


def verify_credential(
    document: dict[str, Any],
    *,
    now: datetime | None = None,
    check_schema: bool = True,
    known: KnownRecords | None = None,
) -> VerificationResult:
    """`known`: an issuing batch's records, read once for all its self-checks (ADR 0074)."""
    resolve = _resolver_for(document)
    return verify(
        document,
        resolve_did=resolve if known is None else _memo(known.dids, resolve),
        now=now or timezone.now(),
        status_of=_status_of(document, known) if isinstance(document, dict) else None,
        key_problem=_key_problem if known is None else _known_key_problem(known),
        schema_check=_schema_check(document) if check_schema else None,
    )


def verify_record_contents(
    document: dict[str, Any], *, now: datetime | None = None
) -> list[EmbeddedResult]:
    """Every credential inside a learner's record (CLR), each verified as if presented
    alone ([] for any other credential)."""
    moment = now or timezone.now()
    return verify_embedded(
        document, verify_one=lambda embedded: verify_credential(embedded, now=moment)
    )


def verify_credential_jwt(
    token: str, *, now: datetime | None = None, check_schema: bool = True
) -> VerificationResult:
    """The VC-JWT form: signature by a key of our issuer's DID, dates, revocation."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        claims = {}
    return verify_jwt(
        token,
        resolve_did=_resolver_for(claims),
        now=now or timezone.now(),
        status_of=_status_of(claims),
        # The same compromised-key rule as for JSON: only the very token we issued vouches.
        key_problem=lambda method_id, payload: _compromised_key_problem(method_id, payload, token),
        schema_check=_schema_check(claims) if check_schema else None,
    )
