"""Endorsements (ADR 0066): QA's own, signed by the institution's issuer; an outside
organisation's, accepted only when every check passes; and withdrawing either. Each change
writes its audit entry in the same transaction.

An outside endorsement is refused unless it is a schema-valid EndorsementCredential, issued
by a registered endorser under that endorser's DID, its Data Integrity proof verifies against
the key stored at registration, it endorses one of our achievements or issuer profiles (one
the acting QA person may see), it carries no status list we could not read, and it passes the
pre-sign check of every credential that will embed it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import record_event
from credentials.document_checks import find_problems
from credentials.endorsement_issuance import issue_endorsement
from credentials.endorsement_json import endorsed_subject_id, endorsement_comment, endorser_of
from credentials.local_verification import verify_credential
from credentials.models import Credential, Issuer, StatusCategory
from credentials.revocation import revoke_credential
from credentials.schema import is_endorsement, schema_problems

from .award_issuance import base_url, issuer_for
from .credential_inputs import achievement_url
from .endorsement_models import Endorsement, Endorser
from .models import Achievement, InstitutionSetting

MAX_ENDORSEMENT_BYTES = 256 * 1024


class EndorsementRefused(ValueError):
    """The endorsement cannot be made, accepted or withdrawn; the message says why."""


def issuer_platform_ids(issuer: Issuer) -> set[int]:
    """The institutions (platforms) that sign with `issuer`."""
    return set(
        InstitutionSetting.objects.filter(issuer=issuer).values_list("platform_id", flat=True)
    )


def in_scope(endorsement: Endorsement, platform_ids: Collection[int]) -> bool:
    """Whether a QA person whose scopes are `platform_ids` may act on it (there is no "all":
    an operator is QA of the institutions their scopes name, ADR 0075)."""
    return bool(_platforms_of(endorsement) & set(platform_ids))


def _platforms_of(endorsement: Endorsement) -> set[int]:
    if endorsement.achievement is not None:
        return {endorsement.achievement.platform_id}
    assert endorsement.issuer is not None  # a check constraint: one of the two is set
    return issuer_platform_ids(endorsement.issuer)


def endorsements_in_scope(platform_ids: Collection[int]) -> QuerySet[Endorsement]:
    found = Endorsement.objects.select_related("achievement", "issuer", "endorser")
    issuers = InstitutionSetting.objects.filter(platform_id__in=platform_ids).values("issuer_id")
    return found.filter(Q(achievement__platform_id__in=platform_ids) | Q(issuer_id__in=issuers))


def _platform_of(endorsement: Endorsement) -> int | None:
    return min(_platforms_of(endorsement), default=None)


def endorse_as_qa(*, achievement: Achievement, comment: str, actor: str) -> Endorsement:
    """The institution's own issuer endorses `achievement` (a QA person's considered view)."""
    comment = (comment or "").strip()
    if not comment:
        raise EndorsementRefused(_("Say what you endorse about this credential."))
    issuer = issuer_for(platform=achievement.platform)
    endorsement_uuid = uuid.uuid4()
    with transaction.atomic():
        credential = issue_endorsement(
            issuer=issuer,
            credential_id=endorsement_uuid,
            subject_id=achievement_url(base_url(), achievement.uuid),
            subject_name=achievement.name,
            comment=comment[:5000],
        )
        endorsement = Endorsement.objects.create(
            uuid=endorsement_uuid,
            achievement=achievement,
            credential=credential,
            credential_id_text=f"urn:uuid:{endorsement_uuid}",
            document=credential.document,
            endorser_name=issuer.name[:200],
            comment=comment[:5000],
            created_by=actor,
        )
        record_event(
            actor=actor,
            action="endorsement.created",
            object_type="awarding.Endorsement",
            object_id=str(endorsement.uuid),
            after={"achievement": str(achievement.uuid), "issuer": issuer.did, "comment": comment},
            platform_id=achievement.platform_id,
        )
    return endorsement


def _parse(text: str) -> dict[str, Any]:
    if len(text.encode("utf-8")) > MAX_ENDORSEMENT_BYTES:
        raise EndorsementRefused(_("The endorsement is larger than 256 kB."))
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise EndorsementRefused(_("This is not JSON.")) from exc
    if not is_endorsement(document):
        raise EndorsementRefused(_("This is not an Open Badges 3.0 EndorsementCredential."))
    problems = schema_problems(document)
    if problems:
        raise EndorsementRefused(
            _("It does not match the Open Badges 3.0 EndorsementCredential schema: %(why)s")
            % {"why": problems[0]}
        )
    return dict(document)


def _subject(document: dict[str, Any]) -> tuple[Achievement | None, Issuer | None]:
    subject_id = endorsed_subject_id(document)
    prefix = achievement_url(base_url(), "")
    if subject_id.startswith(prefix):
        try:
            achievement_uuid = uuid.UUID(subject_id.removeprefix(prefix))
        except ValueError:
            achievement_uuid = None
        if achievement_uuid is not None:
            achievement = Achievement.objects.filter(uuid=achievement_uuid).first()
            if achievement is not None:
                return achievement, None
    for issuer in Issuer.objects.all():
        if subject_id and subject_id == issuer.did:
            return None, issuer
    raise EndorsementRefused(
        _("It endorses something that is not one of our achievements or issuer profiles.")
    )


def accept_external_endorsement(
    *, text: str, actor: str, platform_ids: Collection[int]
) -> Endorsement:
    """Check an outside organisation's signed endorsement and keep it, or say why not."""
    document = _parse(text)
    issuer_id, issuer_name = endorser_of(document)
    endorser = Endorser.objects.filter(did=issuer_id, active=True).first()
    if endorser is None:
        raise EndorsementRefused(
            _("Its issuer %(did)s is not a registered endorsing organisation.")
            % {"did": issuer_id or "?"}
        )
    if "credentialStatus" in document:
        raise EndorsementRefused(
            _(
                "It carries a status list of its own, which this site cannot check; ask the "
                "organisation for one without credentialStatus (withdrawal happens here)."
            )
        )
    result = verify_credential(document)
    if not result.ok:
        raise EndorsementRefused(
            _("It does not verify: %(why)s") % {"why": "; ".join(result.errors)}
        )
    problems = find_problems(document)
    if problems:
        raise EndorsementRefused(
            _("It cannot be embedded in credentials faithfully: %(why)s") % {"why": problems[0]}
        )
    achievement, issuer = _subject(document)
    endorsement = Endorsement(
        achievement=achievement,
        issuer=issuer,
        endorser=endorser,
        credential_id_text=str(document.get("id", ""))[:500],
        document=text,
        endorser_name=(issuer_name or endorser.name)[:200],
        comment=endorsement_comment(document)[:5000],
        created_by=actor,
    )
    if not in_scope(endorsement, platform_ids):
        raise EndorsementRefused(
            _("It endorses something of an institution you are not quality assurance for.")
        )
    try:
        with transaction.atomic():
            endorsement.save()
            record_event(
                actor=actor,
                action="endorsement.accepted",
                object_type="awarding.Endorsement",
                object_id=str(endorsement.uuid),
                after={
                    "endorser": endorser.did,
                    "credential_id": endorsement.credential_id_text,
                    "subject": endorsed_subject_id(document),
                },
                platform_id=_platform_of(endorsement),
            )
    except IntegrityError as exc:
        raise EndorsementRefused(_("This endorsement has been submitted already.")) from exc
    return endorsement


def withdraw_endorsement(*, endorsement: Endorsement, reason: str, actor: str) -> Endorsement:
    """Stop showing and embedding it; one our issuer signed is revoked on its status list."""
    reason = (reason or "").strip()
    if not reason:
        raise EndorsementRefused(_("A reason is required."))
    with transaction.atomic():
        locked = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
        if locked.state != Endorsement.State.ACTIVE:
            raise EndorsementRefused(_("This endorsement has been withdrawn already."))
        locked.state = Endorsement.State.WITHDRAWN
        locked.withdrawn_by = actor
        locked.withdrawn_reason = reason[:2000]
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["state", "withdrawn_by", "withdrawn_reason", "withdrawn_at"])
        platform_id = _platform_of(endorsement)
        if locked.credential_id is not None:
            credential = Credential.objects.get(pk=locked.credential_id)
            if credential.status != Credential.Status.REVOKED:
                revoke_credential(
                    credential=credential,
                    reason=reason,
                    actor=actor,
                    category=StatusCategory.OTHER,
                    platform_id=platform_id,
                )
        record_event(
            actor=actor,
            action="endorsement.withdrawn",
            object_type="awarding.Endorsement",
            object_id=str(locked.uuid),
            before={"state": Endorsement.State.ACTIVE},
            after={"state": locked.state, "reason": locked.withdrawn_reason},
            platform_id=platform_id,
        )
    return locked
