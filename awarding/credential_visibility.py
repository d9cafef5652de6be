"""The holder's choice whether their credential's public page answers (public) or 404s
(private). The choice and its audit event are written in one transaction."""

from __future__ import annotations

from django.db import transaction

from audit.events import record_event
from credentials.models import Credential

from .models import Award


class CredentialNotStored(LookupError):
    """The award has no stored credential yet (pending, held, or never issued)."""


def set_credential_visibility(*, actor: str, award: Award, is_public: bool) -> Credential:
    """Make the award's credential page public or private."""
    with transaction.atomic():
        # The credential's id is the uuid the award reserved before signing.
        credential = Credential.objects.select_for_update().filter(pk=award.uuid).first()
        if credential is None:
            raise CredentialNotStored("This award has no credential yet.")
        before = credential.is_public
        credential.is_public = is_public
        credential.save(update_fields=["is_public"])
        record_event(
            actor=actor,
            action="credential.visibility",
            object_type="credentials.Credential",
            object_id=str(credential.pk),
            before={"is_public": before},
            after={"is_public": is_public},
            platform_id=award.home_platform_id,
        )
    return credential
