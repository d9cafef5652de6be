"""The kinds of credential awarding issues, for `export_credentials` (credentials.export_kinds):
course credentials (a rubric met, or awarded by review), stacked ones (a pathway's), and
endorsements (ADR 0066: ours are Credential rows; an outside organisation's are written from
the text it signed)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from credentials.export_kinds import ExportKind

from .endorsement_models import Endorsement
from .models import Award


def _credentials_of(*bases: str) -> Callable[[], Iterable[uuid.UUID]]:
    def credential_ids() -> Iterable[uuid.UUID]:
        return Award.objects.filter(basis__in=bases, credential__isnull=False).values_list(
            "credential_id", flat=True
        )

    return credential_ids


def _own_endorsements() -> Iterable[uuid.UUID]:
    return Endorsement.objects.filter(credential__isnull=False).values_list(
        "credential_id", flat=True
    )


def _outside_endorsements() -> Iterable[tuple[str, str]]:
    rows = Endorsement.objects.filter(endorser__isnull=False).order_by("created_at", "pk")
    for endorsement_uuid, document in rows.values_list("uuid", "document").iterator():
        yield str(endorsement_uuid), document


KINDS = (
    ExportKind(
        name="course",
        description="course credentials: a rubric met, or awarded by review",
        credential_ids=_credentials_of(Award.Basis.GRADE, Award.Basis.REVIEW),
    ),
    ExportKind(
        name="pathway",
        description="stacked credentials: earned by holding others (pathways)",
        credential_ids=_credentials_of(Award.Basis.PATHWAY),
    ),
    ExportKind(
        name="endorsements",
        description="endorsements: the institution's own, and outside organisations' as received",
        credential_ids=_own_endorsements,
        documents=_outside_endorsements,
    ),
)
