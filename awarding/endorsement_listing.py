"""Endorsements as the public pages show them: the issuer page's (registered with
credentials.issuer_pages) and each endorsement's own page URL."""

from __future__ import annotations

from typing import Any

from credentials.issuer_pages import ListedEndorsement
from credentials.models import Issuer

from .award_issuance import base_url
from .endorsement_models import Endorsement
from .endorsement_reads import shown_endorsements
from .models import Achievement


def endorsement_page_url(endorsement_uuid: Any) -> str:
    return f"{base_url()}/endorsements/{endorsement_uuid}"


def _listed(endorsement: Endorsement) -> ListedEndorsement:
    return ListedEndorsement(
        endorser_name=endorsement.endorser_name,
        comment=endorsement.comment,
        url=endorsement_page_url(endorsement.uuid),
        document=endorsement.document,
        external=endorsement.is_external,
    )


def profile_endorsements(issuer: Issuer) -> list[ListedEndorsement]:
    return [_listed(e) for e in shown_endorsements(issuer=issuer)]


def achievement_endorsements(achievement: Achievement) -> list[ListedEndorsement]:
    return [_listed(e) for e in shown_endorsements(achievement=achievement)]
