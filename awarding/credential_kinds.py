"""The kinds of credential awarding issues, for `export_credentials` (credentials.export_kinds):
course credentials (a rubric met, or awarded by review) and stacked ones (a pathway's)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from credentials.export_kinds import ExportKind

from .models import Award


def _credentials_of(*bases: str) -> Callable[[], Iterable[uuid.UUID]]:
    def credential_ids() -> Iterable[uuid.UUID]:
        return Award.objects.filter(basis__in=bases, credential__isnull=False).values_list(
            "credential_id", flat=True
        )

    return credential_ids


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
)
