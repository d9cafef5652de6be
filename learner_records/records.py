"""Creating a learner's record on request, and turning its share link on or off; each with its
audit entry in the same transaction (ADR 0068)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Learner
from audit.events import record_event
from awarding.award_issuance import institution_setting, issuer_for
from awarding.credential_inputs import build_subject
from credentials.clr_issuance import issue_record

from .contents import Contents, record_contents
from .models import LearnerRecord, RecordVersion


class NothingToRecord(Exception):
    """The learner holds no valid credential from the institution yet."""


def record_name(issuer_name: str) -> str:
    # Written in the language of the page the learner asked from, like an achievement's name.
    return _("Learner record at %(institution)s") % {"institution": issuer_name}


def create_record(*, actor: str, learner: Learner) -> RecordVersion:
    """Sign a new version of the learner's record from what they hold now; the share link
    shows it from now on."""
    contents = record_contents(learner=learner)
    if not contents.credentials:
        raise NothingToRecord
    setting = institution_setting(platform=learner.platform)
    with transaction.atomic():
        record, _created = LearnerRecord.objects.get_or_create(
            learner=learner, issuer=contents.issuer
        )
        # One signing at a time per record: two clicks make two versions, one after the other.
        record = LearnerRecord.objects.select_for_update().get(pk=record.pk)
        credential = issue_record(
            issuer=contents.issuer,
            record_id=uuid.uuid4(),
            subject=build_subject(learner=learner, show_name=setting.show_learner_names),
            name=record_name(contents.issuer.name),
            credentials=list(contents.credentials),
            stacks=list(contents.stacks),
        )
        version = RecordVersion.objects.create(
            record=record, credential=credential, contents=contents.ids
        )
        record.save(update_fields=["updated_at"])
        record_event(
            actor=actor,
            action="learner_record.issued",
            object_type="learner_records.LearnerRecord",
            object_id=str(record.pk),
            after={
                "credential": str(credential.pk),
                "credentials": len(contents.credentials),
                "stacked": len(contents.stacks),
            },
            platform_id=learner.platform_id,
        )
    return version


def set_sharing(*, actor: str, record: LearnerRecord, shared: bool) -> LearnerRecord:
    with transaction.atomic():
        locked = LearnerRecord.objects.select_for_update().get(pk=record.pk)
        before = locked.shared
        locked.shared = shared
        locked.save(update_fields=["shared", "updated_at"])
        record_event(
            actor=actor,
            action="learner_record.sharing",
            object_type="learner_records.LearnerRecord",
            object_id=str(locked.pk),
            before={"shared": before},
            after={"shared": shared},
            platform_id=locked.learner.platform_id,
        )
    return locked


def record_of(learner: Learner) -> LearnerRecord | None:
    """The learner's record at their institution's issuer of today (None before the first)."""
    issuer = issuer_for(platform=learner.platform)
    return LearnerRecord.objects.filter(learner=learner, issuer=issuer).first()


def is_up_to_date(version: RecordVersion | None, contents: Contents) -> bool:
    return version is not None and version.contents == contents.ids


def record_credential_ids() -> Iterable[uuid.UUID]:
    """Every signed record, every version (for `export_credentials`)."""
    return RecordVersion.objects.values_list("credential_id", flat=True)
