"""The steps every document we sign shares: the issuer's current key, a random free index in its
status list, the proof, the self-check, both JWT forms and one `Credential` row, in one
transaction, idempotent on the row's id.

Course credentials, endorsements and learner records differ only in what they compose, what
their self-check verifies and what the row records of them; each passes those in.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import IntegrityError, transaction

from config.values_insert import insert_values

from .documents import StatusEntryInput
from .local_verification import KnownRecords
from .models import Credential, Issuer, SigningKey, StatusList
from .signing import sign_credential
from .signing_keys import current_signing_key
from .status_lists import free_indexes, open_status_list, random_free_index

INDEX_ATTEMPTS = 5


class IssuanceError(RuntimeError):
    """The credential could not be issued; nothing was stored. The message says why."""


def serialize(document: dict) -> str:
    """The stored (and served, and exported) text: indented, UTF-8, never re-serialized.

    orjson rather than `json.dumps(indent=2)`, whose indenting encoder is pure Python: 0.18 ms
    against 0.003 ms for an 11 kB credential (ADR 0094). The text is `json`'s but for a
    float's exponent (`1e-7`, not `1e-07`: the same number). What orjson would write
    differently from the data (NaN or an infinity as `null`) is caught by `stored_text`'s
    read-back; an integer beyond 64 bits raises here."""
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()


def stored_text(signed: dict[str, Any], *, kind: str) -> str:
    """`serialize(signed)`, refused (IssuanceError) unless another parser reads it back as
    exactly the document that was signed and self-checked."""
    try:
        text = serialize(signed)
    except TypeError as exc:  # orjson: a value JSON cannot hold as it is
        raise IssuanceError(f"the signed {kind} cannot be stored as JSON: {exc}") from exc
    if json.loads(text) != signed:
        raise IssuanceError(f"the signed {kind} does not read back from its stored text")
    return text


@dataclass
class SigningBatch:
    """What one issuer's batch of documents shares, read once in the caller's transaction
    (ADR 0074): the key (parsed once), the open status list, free indexes drawn with one query,
    the rows already stored under the batch's ids, and the self-checks' records."""

    issuer: Issuer
    key: SigningKey
    private_key: Ed25519PrivateKey
    kid: str
    status_list: StatusList
    indexes: list[int]
    stored: dict[uuid.UUID, Credential]
    known: KnownRecords = field(default_factory=KnownRecords)

    def take_index(self) -> int:
        index = (
            self.indexes.pop()
            if self.indexes
            else random_free_index(status_list=self.status_list)  # an unlucky draw ran out
        )
        self.known.fresh.add((self.status_list.pk, index))
        return index


def signing_batch(
    *, issuer: Issuer, count: int, credential_ids: list[uuid.UUID] | None = None
) -> SigningBatch:
    """Read what signing `count` documents of `issuer` needs, once (in the caller's
    transaction: a key or list created here is kept only with the batch); `credential_ids`:
    the ids whose stored rows the caller wants (an earlier run's)."""
    key = current_signing_key(issuer=issuer)
    status_list = open_status_list(issuer=issuer, issues=count)
    # Both rows were read by this issuer: their `issuer` is this object, not a query each
    # time the DID or the list's URL is needed.
    key.issuer = status_list.issuer = issuer
    return SigningBatch(
        issuer=issuer,
        key=key,
        private_key=key.private_key(),
        kid=key.verification_method(),
        status_list=status_list,
        indexes=free_indexes(status_list=status_list, count=count),
        stored={c.pk: c for c in Credential.objects.filter(pk__in=credential_ids)}
        if credential_ids
        else {},
    )


def sign_and_store(
    *,
    issuer: Issuer,
    credential_id: uuid.UUID,
    now: datetime,
    compose: Callable[[StatusEntryInput], dict[str, Any]],
    problems_of: Callable[[dict[str, Any]], list[str]],
    kind: str,
    row: Mapping[str, Any],
    batch: SigningBatch | None = None,
    store: bool = True,
) -> Credential:
    """Compose (with its status entry), sign, self-check and store one document.

    `problems_of(signed)` lists why the signed document would not verify (empty: it does);
    `row` holds the `Credential` fields that say what it is. A concurrent call that stored the
    same id first wins and its row is returned; another credential taking the drawn status
    index makes this one draw again. With a `batch` (of this issuer) its key, list and
    indexes are used, and the caller's savepoint is this document's: no savepoint of its own.
    `store=False` (with a batch): the row is returned unsaved, for `store_rows`.
    """
    with transaction.atomic(savepoint=batch is None):
        if batch is None:
            batch = signing_batch(issuer=issuer, count=1)
        for _ in range(INDEX_ATTEMPTS):
            credential = _signed_row(
                batch=batch,
                credential_id=credential_id,
                now=now,
                compose=compose,
                problems_of=problems_of,
                kind=kind,
                row=row,
            )
            if not store:
                return credential
            try:
                with transaction.atomic():
                    credential.save(force_insert=True)
                    return credential
            except IntegrityError:
                stored = Credential.objects.filter(pk=credential_id).first()
                if stored is not None:  # issued concurrently under the same id
                    return stored
                # Another credential took the index between the draw and the insert: redraw.
        raise IssuanceError("no free status list index could be reserved")


def _signed_row(
    *,
    batch: SigningBatch,
    credential_id: uuid.UUID,
    now: datetime,
    compose: Callable[[StatusEntryInput], dict[str, Any]],
    problems_of: Callable[[dict[str, Any]], list[str]],
    kind: str,
    row: Mapping[str, Any],
) -> Credential:
    """The unsaved row of one document signed and self-checked under a freshly drawn index."""
    index = batch.take_index()
    signed = sign_credential(
        compose(StatusEntryInput(batch.status_list.url, index)),
        private_key=batch.private_key,
        verification_method=batch.kid,
        created=now,
    )
    problems = problems_of(signed)
    if problems:
        raise IssuanceError(f"the signed {kind} does not verify: " + "; ".join(problems))
    text = stored_text(signed, kind=kind)
    return Credential(
        id=credential_id,
        issuer=batch.issuer,
        signing_key=batch.key,
        # The JWT forms are signed on first request (credentials.jose_forms, ADR 0092).
        document=text,
        status_list=batch.status_list,
        status_index=index,
        issued_at=now,
        **row,
    )


def store_rows(credentials: list[Credential]) -> set[uuid.UUID]:
    """Insert signed, unsaved rows with one statement; returns the ids stored by it.

    A row whose id or status index another row already holds (a concurrent issuer's) is
    skipped, not an error (`ON CONFLICT DO NOTHING`): the caller signs it again on its own
    (`sign_and_store`), which redraws the index or returns the stored row. Any other refusal
    (a value the column does not take) raises, for the whole statement.

    One `VALUES` list bound on the server's side rather than `bulk_create`, whose arrays had
    psycopg escape the signed documents' every quote in Python (`config.values_insert`,
    ADR 0076 and 0093). `RETURNING` names the rows stored, without a second query.
    """
    return set(insert_values(credentials, skip_conflicts=True))
