"""Issue the credential of a reserved award: compose → sign → verify → store, exactly once.

The award's UUID was reserved before signing and is the credential's id. `issue_credential`
is idempotent on that id and runs in one transaction, so a worker killed anywhere in here
leaves either nothing (the retry signs again, same id) or the stored credential (the retry
finds it and only marks the award issued).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import record_event
from credentials.credential_issuance import issue_credential
from credentials.documents import CriterionResultInput, EvidenceInput
from credentials.issuers import get_or_create_issuer
from lti_tool.models import Platform
from rubrics.spec import VersionSpec

from . import credential_inputs
from .endorsement_reads import embedded_documents
from .models import Award, InstitutionSetting, Notification
from .rules import version_spec
from .selectors import active_achievement_spec
from .signals import award_issued

log = logging.getLogger(__name__)


def base_url() -> str:
    return getattr(settings, "PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def institution_setting(*, platform: Platform) -> InstitutionSetting:
    setting, _ = InstitutionSetting.objects.select_related("issuer").get_or_create(
        platform=platform
    )
    return setting


def issuer_for(*, platform: Platform, setting: InstitutionSetting | None = None):
    """The institution's chosen issuer, or one named after the platform (created once)."""
    setting = setting or institution_setting(platform=platform)
    if setting.issuer_id:
        return setting.issuer
    # Its url is its own public page (credentials.issuer_pages), not the site root.
    issuer = get_or_create_issuer(slug=f"platform-{platform.pk}", name=platform.name)
    InstitutionSetting.objects.filter(pk=setting.pk, issuer__isnull=True).update(issuer=issuer)
    return issuer


def issue_award(*, award_id: int) -> tuple[Award, bool]:
    """Sign and store the credential of a pending award; a no-op for any other state.

    Returns the award and whether this call issued it (only that caller notifies and posts
    back, so concurrent or retried calls never do it twice).
    """
    award = Award.objects.select_related(
        "achievement__platform", "learner", "course__platform", "decision__rubric_version"
    ).get(pk=award_id)
    if award.state != Award.State.PENDING:
        return award, False
    platform = award.course.platform if award.course is not None else award.achievement.platform
    setting = institution_setting(platform=platform)
    issuer = issuer_for(platform=platform, setting=setting)
    url = base_url()
    spec, results, evidence = _grounds(award, base_url=url)
    issued_at = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        # The row lock serialises concurrent issuers of the same award; the second one then
        # sees `issued` and does nothing.
        locked = Award.objects.select_for_update().get(pk=award.pk)
        if locked.state != Award.State.PENDING:
            return locked, False
        credential = issue_credential(
            issuer=issuer,
            credential_id=award.uuid,
            achievement=credential_inputs.build_achievement(
                base_url=url,
                achievement=award.achievement,
                spec=spec,
                endorsements=embedded_documents(award.achievement),
            ),
            subject=credential_inputs.build_subject(
                learner=award.learner, show_name=setting.show_learner_names
            ),
            results=results,
            evidence=evidence,
            valid_from=issued_at,
            valid_until=credential_inputs.validity(
                issued_at=issued_at, validity_days=award.achievement.validity_days
            ),
        )
        locked.credential = credential
        locked.state = Award.State.ISSUED
        locked.issued_at = timezone.now()
        # Only a grade award has a rule, and so a credential column it may post to.
        locked.postback_state = (
            Award.PostbackState.PENDING if locked.rule_id else Award.PostbackState.OFF
        )
        locked.issue_error = ""
        locked.save(
            update_fields=[
                "credential",
                "state",
                "issued_at",
                "postback_state",
                "issue_error",
                "updated_at",
            ]
        )
        # Once: only the caller that moved the locked award out of `pending` gets here.
        Notification.objects.create(
            award=locked,
            kind=Notification.Kind.AWARDED,
            learner_id=locked.learner_id,
            course_id=locked.course_id,
            message=_("You earned “%(name)s”.") % {"name": award.achievement.name},
        )
        record_event(
            actor="system:awarding",
            action="award.issued",
            object_type="award",
            object_id=str(locked.uuid),
            before={"state": Award.State.PENDING},
            after={
                "state": locked.state,
                "credential_id": str(credential.pk),
                "decision_id": locked.decision_id,
                "basis": locked.basis,
                "learner_id": locked.learner_id,
                "achievement_id": locked.achievement_id,
            },
            platform_id=platform.pk,
        )
        issued_id = locked.pk
        transaction.on_commit(
            lambda: award_issued.send(sender=Award, award_id=issued_id), robust=True
        )
    log.info("award %s issued as credential %s", award.uuid, credential.pk)
    return locked, True


def _grounds(
    award: Award, *, base_url: str
) -> tuple[VersionSpec, list[CriterionResultInput], list[EvidenceInput]]:
    """What the credential says the award rests on: a grade award's rubric results and its
    evidence page; a review or pathway award's achievement criteria (as its public page shows
    them), no results, and the evidence it was granted on (ADR 0064)."""
    if award.decision is not None:
        spec = version_spec(award.decision.rubric_version)
        results = credential_inputs.build_results(spec=spec, decision=award.decision.result)
        evidence = credential_inputs.build_evidence(
            base_url=base_url, award_uuid=award.uuid, achievement_name=award.achievement.name
        )
        return spec, results, evidence
    return (
        active_achievement_spec(award.achievement),
        [],
        credential_inputs.granted_evidence(
            base_url=base_url, award_uuid=award.uuid, items=award.evidence_items
        ),
    )
