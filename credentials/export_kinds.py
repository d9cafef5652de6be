"""The kinds of credential `manage.py export_credentials` writes, one folder each.

Every signed credential is a `Credential` row; which kind it is (a course credential, a
stacked one, an endorsement, a learner's record) is known only to the app that asked for it,
above this one. Each such app registers one `ExportKind` at start-up (its AppConfig.ready());
a credential no kind claims is exported under `other` (e.g. the sample credentials).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

OTHER = "other"


@dataclass(frozen=True)
class ExportKind:
    name: str  # the folder: lower case, no spaces
    description: str  # one line for the command's summary
    credential_ids: Callable[[], Iterable[uuid.UUID]]  # the Credential rows of this kind
    # Signed documents of this kind that are no Credential row of ours (an outside
    # organisation's endorsement, ADR 0066): (file stem, the exact text as received).
    documents: Callable[[], Iterable[tuple[str, str]]] | None = None


_kinds: dict[str, ExportKind] = {}


def register_export_kind(kind: ExportKind) -> None:
    """Add (or, under the same name, replace) a kind; the order of registration is kept."""
    if not kind.name or kind.name == OTHER or not kind.name.replace("-", "").isalnum():
        raise ValueError(f"not a usable kind name: {kind.name!r}")
    _kinds[kind.name] = kind


def export_kinds() -> list[ExportKind]:
    return list(_kinds.values())
