"""Which endorsements are shown and embedded (reads only; issuance and the pages use them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .endorsement_models import Endorsement

if TYPE_CHECKING:
    from credentials.models import Issuer

    from .models import Achievement


def shown_endorsements(
    *, achievement: Achievement | None = None, issuer: Issuer | None = None
) -> list[Endorsement]:
    """The active endorsements of one achievement or one issuer profile, oldest first."""
    found = Endorsement.objects.filter(state=Endorsement.State.ACTIVE)
    if achievement is not None:
        found = found.filter(achievement=achievement)
    else:
        found = found.filter(issuer=issuer)
    return list(found.select_related("endorser").order_by("created_at", "pk"))


def embedded_documents(achievement: Achievement) -> tuple[str, ...]:
    """The signed texts a new credential of `achievement` embeds (Achievement.endorsement).

    The signature of that credential covers them: withdrawing an endorsement later changes
    only credentials issued afterwards (one our issuer signed also reads revoked).
    """
    found = Endorsement.objects.filter(achievement=achievement, state=Endorsement.State.ACTIVE)
    return tuple(found.order_by("created_at", "pk").values_list("document", flat=True))
