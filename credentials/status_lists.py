"""Bitstring Status List v1.0: index allocation and the signed BitstringStatusListCredential.

Indexes are drawn at random among the free ones, so the position of a credential says nothing
about when it was issued, and a unique constraint makes sure no index is ever used twice.
A list is closed once half full, which keeps random draws cheap; a new one is opened.
"""

from __future__ import annotations

import base64
import gzip
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from .models import Credential, Issuer, StatusList
from .signing import format_datetime, sign_credential
from .signing_keys import current_signing_key

FILL_LIMIT = 0.5


def encode_bitstring(size: int, set_indexes: list[int]) -> str:
    """GZIP-compressed, base64url (no padding), multibase 'u': the encodedList format.

    Index 0 is the left-most (most significant) bit of the first byte.
    """
    bits = bytearray(size // 8)
    for index in set_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_bitstring(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url ('u…')")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def bit_is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


# The fill of a list is counted again after this many issues by this process (ADR 0070).
# Between counts the process adds its own issues to the last count: other processes can
# push the list past FILL_LIMIT by at most this many issues each, harmless at 65,536 free
# indexes, and no process counts the list's credentials on every issue.
RECOUNT_EVERY = 256
# (list id, list created_at) -> [credentials counted, issues by this process since]. The
# created_at tells apart lists that reuse an id (a test database rolled back).
_fill_estimates: dict[tuple[int, object], list[int]] = {}


def _below_fill_limit(status_list: StatusList, issues: int) -> bool:
    key = (status_list.pk, status_list.created_at)
    limit = status_list.size * FILL_LIMIT
    estimate = _fill_estimates.get(key)
    if estimate is None or estimate[1] >= RECOUNT_EVERY or sum(estimate) >= limit:
        estimate = _fill_estimates[key] = [
            Credential.objects.filter(status_list=status_list).count(),
            0,
        ]
    estimate[1] += issues  # the caller takes this many indexes of this list
    return estimate[0] < limit


def open_status_list(*, issuer: Issuer, issues: int = 1) -> StatusList:
    """The issuer's list that takes new credentials (a new one once the last is half full);
    `issues`: how many indexes the caller will take of it (a batch takes its own, ADR 0074)."""
    latest = StatusList.objects.filter(issuer=issuer).order_by("-number").first()
    if latest is not None and _below_fill_limit(latest, issues):
        return latest
    number = (StatusList.objects.filter(issuer=issuer).aggregate(m=Max("number"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            return StatusList.objects.create(issuer=issuer, number=number)
    except IntegrityError:  # opened concurrently
        return StatusList.objects.get(issuer=issuer, number=number)


def random_free_index(*, status_list: StatusList, attempts: int = 32) -> int:
    """A random index no credential holds yet (the insert's unique constraint is the guard)."""
    for _ in range(attempts):
        index = secrets.randbelow(status_list.size)
        if not Credential.objects.filter(status_list=status_list, status_index=index).exists():
            return index
    raise RuntimeError(f"status list {status_list} has no free index after {attempts} draws")


def free_indexes(*, status_list: StatusList, count: int) -> list[int]:
    """About `count` random indexes no credential holds yet, checked with one query (a batch's,
    ADR 0074); fewer if the draw was unlucky (the caller draws one at a time then). The
    insert's unique constraint stays the guard against a concurrent issuer."""
    # Kept in the order drawn (a dict), so the batch's credentials take them in random order.
    drawn: dict[int, None] = {}
    while len(drawn) < min(2 * count + 8, status_list.size):
        drawn[secrets.randbelow(status_list.size)] = None
    held = Credential.objects.filter(status_list=status_list, status_index__in=list(drawn))
    taken = set(held.values_list("status_index", flat=True))
    return [index for index in drawn if index not in taken][:count]


# statusPurpose -> the credential status whose bit is set in that list.
PURPOSES = {"revocation": Credential.Status.REVOKED, "suspension": Credential.Status.SUSPENDED}


def indexes_with_status(status_list: StatusList, status: str) -> list[int]:
    return list(
        Credential.objects.filter(status_list=status_list, status=status).values_list(
            "status_index", flat=True
        )
    )


def status_list_url(status_list: StatusList, purpose: str = "revocation") -> str:
    """The revocation list is the one credentials name; the suspension list sits beside it
    at the same indexes (ADR 0012: OB 3.0 allows one `credentialStatus`)."""
    return status_list.url if purpose == "revocation" else f"{status_list.url}/{purpose}"


def status_list_document(status_list: StatusList, purpose: str = "revocation") -> dict:
    """The unsigned BitstringStatusListCredential (VC 2.0 defines every term it uses)."""
    url = status_list_url(status_list, purpose)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": status_list.issuer.did,
        "validFrom": format_datetime(timezone.now()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode_bitstring(
                status_list.size, indexes_with_status(status_list, PURPOSES[purpose])
            ),
        },
    }


def signed_status_list(status_list: StatusList, purpose: str = "revocation") -> dict:
    key = current_signing_key(issuer=status_list.issuer)
    now = timezone.now().replace(microsecond=0)
    return sign_credential(
        status_list_document(status_list, purpose),
        private_key=key.private_key(),
        verification_method=key.verification_method(),
        created=now,
    )
