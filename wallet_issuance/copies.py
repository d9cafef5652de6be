"""The wallet's copies as the verifier's compromised-key check sees them (ADR 0060): a copy
we sent, before its key was reported compromised, is genuine; it is not a Credential row,
so this app tells credentials.local_verification where to look."""

from __future__ import annotations

import uuid
from datetime import datetime

from .models import WalletCredential


def sent_copy(copy_id: uuid.UUID) -> tuple[datetime, str] | None:
    """(issued at, exactly what the wallet received) of a copy, or None."""
    return (
        WalletCredential.objects.filter(pk=copy_id).values_list("issued_at", "credential").first()
    )
