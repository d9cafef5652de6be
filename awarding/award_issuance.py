"""Issue the credentials of reserved awards: compose → sign → verify → store, exactly once.

The award's UUID was reserved before signing and is the credential's id. Issuing is
idempotent on that id and transactional, so a worker killed anywhere in here leaves either
nothing (the retry signs again, same id) or the stored credential (the retry finds it and
only marks the award issued).

A batch (`issue_awards`) is one transaction (ADR 0070): one commit and one append to the
audit chain for the whole batch instead of one each per award, while a failing award fails
alone and the others are kept. Its credentials are signed and self-checked first, then stored
with one insert (ADR 0076); one the insert could not take is stored on its own, under a
savepoint, as before. What the batch's credentials share (key, status list, free indexes,
the self-checks' records) is read once, and the awards' updates and notifications are one
query each per batch (ADR 0074).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import EventInput, record_events
from credentials.credential_issuance import (
    SigningBatch,
    issue_credential,
    signing_batch,
    store_rows,
)
from credentials.documents import AchievementInput, CriterionResultInput, EvidenceInput
from credentials.issuers import get_or_create_issuer
from credentials.models import Credential, Issuer
from lti_tool.models import Platform
from rubrics.spec import VersionSpec

from . import credential_inputs
from .endorsement_reads import embedded_documents
from .models import Award, InstitutionSetting, Notification
from .rules import version_spec
from .selectors import active_achievement_spec
from .signals import awards_issued

log = logging.getLogger(__name__)
# The connection is gone or the transaction was aborted: the whole batch is retried.
DB_ERRORS = (OperationalError, InterfaceError)


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


@dataclass
class BatchReport:
    """What `issue_awards` did: the awards it moved to issued, and those that failed (left
    pending, with the error recorded on the award)."""

    issued: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def issue_award(*, award_id: int) -> tuple[Award, bool]:
    """Sign and store the credential of a pending award; a no-op for any other state.

    Returns the award and whether this call issued it (only that caller notifies and posts
    back, so concurrent or retried calls never do it twice). Errors are raised.
    """
    with transaction.atomic():
        award = _locked_awards([award_id])[0]
        if award.state != Award.State.PENDING:
            return award, False
        shared = _shared_reads([award])
        _record_issued([(award, _sign(award, shared=shared))])
    log.info("award %s issued as credential %s", award.uuid, award.credential_id)
    return award, True


def issue_awards(*, award_ids: list[int]) -> BatchReport:
    """Issue a batch of pending awards in one transaction: sign them all, store them with one
    insert, mark them issued.

    A database error (connection lost, transaction aborted) is raised: nothing of the batch
    is kept and the caller retries it whole. Any other error fails that award alone (nothing
    of it is stored); it stays pending with the error recorded, and the caller retries it on
    its own.
    """
    with transaction.atomic():
        return issue_locked_awards(_locked_awards(award_ids))


def issue_locked_awards(awards: list[Award]) -> BatchReport:
    """`issue_awards` for awards the caller's open transaction already holds locked, with what
    issuing reads attached (as `_locked_awards` reads it): an evaluation issues the awards it
    reserved in the same transaction without reading them again (`awarding.evaluation_run`,
    ADR 0098). Errors as `issue_awards`; the caller's transaction is the batch's."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue_locked_awards runs in the transaction that locked the awards")
    report = BatchReport()
    # Outside the awards' savepoints: an issuer, key or status list created for the first
    # award must not vanish with that award's rollback.
    shared = _shared_reads(awards)
    # Signed and self-checked first (nothing written: no savepoint needed), then stored
    # with one insert (ADR 0076).
    prepared = []
    for award in awards:
        if award.state != Award.State.PENDING:
            continue
        try:
            prepared.append((award, _sign(award, shared=shared, store=False)))
        except DatabaseError:
            raise  # a failed read leaves the transaction unusable: the batch is retried
        except Exception as exc:
            _record_failure(report, award, exc)
    # An earlier run's stored credential comes back saved; a new one unsaved.
    new = {c.pk for _award, c in prepared if c._state.adding}
    stored = _store_prepared([c for _award, c in prepared if c.pk in new])
    signed = []
    for award, credential in prepared:
        if credential.pk in new and credential.pk not in stored:
            # Its index was taken meanwhile, or the insert of the batch was refused: on
            # its own, under a savepoint, as before ADR 0076 (redraws, or fails alone).
            try:
                with transaction.atomic():
                    credential = _sign(award, shared=shared)
            except DB_ERRORS:
                raise
            except Exception as exc:
                _record_failure(report, award, exc)
                continue
        signed.append((award, credential))
        report.issued.append(award.pk)
    _record_issued(signed)
    return report


def _record_failure(report: BatchReport, award: Award, exc: Exception) -> None:
    log.error("award %s could not be issued", award.pk, exc_info=exc)
    report.failed[award.pk] = str(exc)[:2000]
    Award.objects.filter(pk=award.pk).update(issue_error=report.failed[award.pk])


def _store_prepared(credentials: list[Credential]) -> set:
    """Store the batch's new credentials with one insert; the ids stored. Where the database
    refuses the insert (one row it does not take), nothing is stored here and each is then
    stored on its own, so that only the row at fault fails."""
    try:
        with transaction.atomic():
            return store_rows(credentials)
    except DB_ERRORS:
        raise
    except Exception:
        log.warning("a batch insert of %s credentials was refused", len(credentials), exc_info=True)
        return set()


def _locked_awards(award_ids: list[int]) -> list[Award]:
    """The awards with what issuing reads, row-locked in id order (so two batches that share
    awards wait for each other instead of deadlocking); the first concurrent issuer wins and
    the others then see the award issued."""
    awards = list(
        Award.objects.select_for_update(of=("self",))
        .select_related(
            "achievement__platform", "learner", "course__platform", "decision__rubric_version"
        )
        .filter(pk__in=award_ids)
        .order_by("pk")
    )
    if not awards and len(award_ids) == 1:
        raise Award.DoesNotExist(f"no award {award_ids[0]}")
    return awards


def _platform(award: Award) -> Platform:
    return award.course.platform if award.course is not None else award.achievement.platform


@dataclass
class _SharedReads:
    """What a batch's awards share, read once: each platform's institution setting and
    issuer, each achievement's embedded endorsements, each issuer's signing batch (key,
    status list, free indexes, the self-checks' records: ADR 0074)."""

    issuers: dict[int, tuple[InstitutionSetting, Issuer]] = field(default_factory=dict)
    endorsements: dict[int, tuple[str, ...]] = field(default_factory=dict)
    signing: dict[int, SigningBatch] = field(default_factory=dict)
    # The OB 3.0 Achievement input, built once per achievement and rubric version of the
    # batch (4 % of a batch when built for each award). A review or pathway award has no
    # version: its criteria are its achievement's (`_grounds`), so the achievement decides.
    achievements: dict[tuple[int, int | None], AchievementInput] = field(default_factory=dict)

    def achievement_input(
        self, award: Award, *, spec: VersionSpec, base_url: str
    ) -> AchievementInput:
        key = (award.achievement_id, award.decision.rubric_version_id if award.decision else None)
        if key not in self.achievements:
            self.achievements[key] = credential_inputs.build_achievement(
                base_url=base_url,
                achievement=award.achievement,
                spec=spec,
                endorsements=self.endorsements[award.achievement_id],
            )
        return self.achievements[key]


def _shared_reads(awards: list[Award]) -> _SharedReads:
    shared = _SharedReads()
    ids_by_issuer: dict[int, list] = {}
    for award in awards:
        if award.state != Award.State.PENDING:
            continue
        platform = _platform(award)
        if platform.pk not in shared.issuers:
            setting = institution_setting(platform=platform)
            shared.issuers[platform.pk] = (setting, issuer_for(platform=platform, setting=setting))
        if award.achievement_id not in shared.endorsements:
            shared.endorsements[award.achievement_id] = embedded_documents(award.achievement)
        ids_by_issuer.setdefault(shared.issuers[platform.pk][1].pk, []).append(award.uuid)
    issuers = {issuer.pk: issuer for _setting, issuer in shared.issuers.values()}
    for issuer_id, ids in ids_by_issuer.items():
        shared.signing[issuer_id] = signing_batch(
            issuer=issuers[issuer_id], count=len(ids), credential_ids=ids
        )
    return shared


def _sign(award: Award, *, shared: _SharedReads, store: bool = True) -> Credential:
    """The credential of one locked, pending award (an earlier run's, or signed and stored
    now; with `store=False` signed and left unsaved); the award itself is changed by
    `_record_issued`."""
    platform = _platform(award)
    setting, issuer = shared.issuers[platform.pk]
    url = base_url()
    spec, results, evidence = _grounds(award, base_url=url)
    issued_at = timezone.now().replace(microsecond=0)
    return issue_credential(
        issuer=issuer,
        credential_id=award.uuid,
        achievement=shared.achievement_input(award, spec=spec, base_url=url),
        subject=credential_inputs.build_subject(
            learner=award.learner, show_name=setting.show_learner_names
        ),
        results=results,
        evidence=evidence,
        valid_from=issued_at,
        valid_until=credential_inputs.validity(
            issued_at=issued_at, validity_days=award.achievement.validity_days
        ),
        batch=shared.signing[issuer.pk],
        store=store,
    )


def _record_issued(signed: list[tuple[Award, Credential]]) -> None:
    """Mark the signed awards issued, with their notifications and audit events: one query
    each for the batch (ADR 0074), in the transaction that stored the credentials. Once: only
    the caller that moved the locked awards out of `pending` gets here."""
    if not signed:
        return
    now = timezone.now()
    events = []
    for award, credential in signed:
        # The credential's id is the award's reserved UUID (ADR 0040): the update below
        # writes it as `uuid`, one statement with no per-row values.
        if credential.pk != award.uuid:
            raise RuntimeError(f"award {award.pk}: credential {credential.pk} is not its own")
        award.credential = credential
        award.state = Award.State.ISSUED
        award.issued_at = award.updated_at = now
        # Only a grade award has a rule, and so a credential column it may post to.
        award.postback_state = (
            Award.PostbackState.PENDING if award.rule_id else Award.PostbackState.OFF
        )
        award.issue_error = ""
        events.append(_issued_event(award))
    awards = [award for award, _credential in signed]
    Award.objects.filter(pk__in=[award.pk for award in awards]).update(
        credential_id=F("uuid"),
        state=Award.State.ISSUED,
        issued_at=now,
        updated_at=now,
        issue_error="",
        postback_state=Case(
            When(rule__isnull=False, then=Value(Award.PostbackState.PENDING)),
            default=Value(Award.PostbackState.OFF),
        ),
    )
    Notification.objects.bulk_create(
        Notification(
            award=award,
            kind=Notification.Kind.AWARDED,
            learner_id=award.learner_id,
            course_id=award.course_id,
            message=_("You earned “%(name)s”.") % {"name": award.achievement.name},
        )
        for award in awards
    )
    issued_ids = [award.pk for award in awards]
    transaction.on_commit(
        lambda: awards_issued.send(sender=Award, award_ids=issued_ids), robust=True
    )
    # The audit chain's head is locked from here to the COMMIT: one short hold per batch,
    # after the signing (ADR 0030, 0070).
    record_events(events)


def _issued_event(award: Award) -> EventInput:
    return EventInput(
        actor="system:awarding",
        action="award.issued",
        object_type="award",
        object_id=str(award.uuid),
        before={"state": Award.State.PENDING},
        after={
            "state": award.state,
            "credential_id": str(award.credential_id),
            "decision_id": award.decision_id,
            "basis": award.basis,
            "learner_id": award.learner_id,
            "achievement_id": award.achievement_id,
        },
        platform_id=_platform(award).pk,
    )


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
