"""Which endorsements are shown and embedded (reads only; issuance and the pages use them)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from credentials.signing import parse_datetime

from .endorsement_models import Endorsement

if TYPE_CHECKING:
    from credentials.models import Issuer

    from .models import Achievement


def _current(endorsement: Endorsement, now: datetime) -> bool:
    """Not past its own validUntil (an expired endorsement is neither shown nor embedded)."""
    until = endorsement.data.get("validUntil")
    try:
        return not isinstance(until, str) or parse_datetime(until) > now
    except ValueError:
        return False


def shown_endorsements(
    *, achievement: Achievement | None = None, issuer: Issuer | None = None
) -> list[Endorsement]:
    """The active, unexpired endorsements of one achievement or one issuer profile by a
    trusted endorser, oldest first."""
    # An organisation no longer trusted (deregistered) vouches for nothing any more.
    found = Endorsement.objects.filter(state=Endorsement.State.ACTIVE).exclude(
        endorser__active=False
    )
    if achievement is not None:
        found = found.filter(achievement=achievement)
    else:
        found = found.filter(issuer=issuer)
    now = timezone.now()
    rows = found.select_related("endorser").order_by("created_at", "pk")
    return [e for e in rows if _current(e, now)]


def embedded_documents(achievement: Achievement) -> tuple[str, ...]:
    """The signed texts a new credential of `achievement` embeds (Achievement.endorsement).

    The signature of that credential covers them: withdrawing an endorsement later changes
    only credentials issued afterwards (one our issuer signed also reads revoked).
    """
    return tuple(e.document for e in shown_endorsements(achievement=achievement))
