"""Bulk award and bulk revocation from a CSV: upload, preview every line, apply all or nothing.

The file is stored as uploaded (`BulkUpload`) and previewed against the database
(awarding.bulk_csv decides each line's outcome); the preview hands out a signed token over the
upload, the person and the outcome of every line. Applying checks the token, locks the upload,
previews again inside the transaction and refuses when anything differs (a stale preview) or
when any line cannot be applied. Then every award is reserved (or every credential revoked) and
audited in that one transaction: all of them, or on any failure none; the lines' audit events
are appended to the chain at its end, with one `record_events` call (ADR 0074). Issuance,
notices and post-backs are enqueued on commit only, so a rolled-back apply leaves no task
behind (ADR 0067).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models import Course, Learner
from audit.events import EventInput, record_event, record_events
from credentials.models import StatusCategory

from . import bulk_csv
from .award_grants import grant_award
from .award_issuance import base_url
from .award_proposals import course_achievements
from .bulk_csv import CsvRow, Lookups, RowOutcome
from .credential_inputs import evidence_url
from .models import Achievement, Award
from .review_models import BulkUpload
from .revoke import revoke_award

TOKEN_SALT = "awarding.bulk_awards.preview"
TOKEN_MAX_AGE = 3600


class BulkRefused(Exception):
    """Nothing was applied; `outcomes` is the fresh preview, `stale` says whether it differs
    from the one the person saw (otherwise some line cannot be applied)."""

    def __init__(self, message: str, outcomes: list[RowOutcome], *, stale: bool) -> None:
        super().__init__(message)
        self.outcomes = outcomes
        self.stale = stale


@dataclass(frozen=True)
class Preview:
    upload: BulkUpload
    outcomes: list[RowOutcome]
    token: str  # "" when the file cannot be applied

    @property
    def applicable(self) -> bool:
        return bool(self.token)


def store_upload(
    *, course: Course, kind: str, data: bytes, file_name: str, actor: str, actor_name: str = ""
) -> BulkUpload:
    """Keep a readable CSV for its preview (bulk_csv.CsvRefused when it is not one)."""
    text = bulk_csv.decode(data)
    rows = bulk_csv.read_rows(text, kind=kind)
    with transaction.atomic():
        upload = BulkUpload.objects.create(
            kind=kind,
            course=course,
            file_name=" ".join(file_name.split())[-200:],
            content=text,
            content_sha256=hashlib.sha256(text.encode()).hexdigest(),
            row_count=len(rows),
            uploaded_by=actor[:255],
            uploaded_by_name=actor_name[:200],
        )
        record_event(
            actor=actor,
            action="bulk.uploaded",
            object_type="bulk_upload",
            object_id=str(upload.uuid),
            after={"kind": kind, "course_id": course.pk, "rows": len(rows)},
            platform_id=course.platform_id,
        )
    return upload


def _lookups(course: Course, rows: Sequence[CsvRow]) -> Lookups:
    """What the database says about the identifiers the file names (one query each)."""
    wanted = {bulk_csv.key(r.learner) for r in rows if r.learner}
    learners: dict[str, set[int]] = {}
    people = Learner.objects.filter(platform_id=course.platform_id).filter(
        Q(sub__in={r.learner for r in rows}) | Q(lis_person_sourcedid__in={r.learner for r in rows})
    )
    for pk, sub, sourced in people.values_list("pk", "sub", "lis_person_sourcedid"):
        for ident in (sub, sourced):
            if ident and bulk_csv.key(ident) in wanted:
                learners.setdefault(bulk_csv.key(ident), set()).add(pk)
    achievements: dict[str, set[int]] = {}
    for pk, uuid, name in course_achievements(course).values_list("pk", "uuid", "name"):
        achievements.setdefault(bulk_csv.key(name), set()).add(pk)
        achievements.setdefault(str(uuid), set()).add(pk)
    ids = {pk for found in learners.values() for pk in found}
    enrolled = frozenset(
        course.enrolments.filter(active=True, learner_id__in=ids).values_list(
            "learner_id", flat=True
        )
    )
    live = Award.objects.filter(
        learner_id__in=ids,
        achievement_id__in={pk for found in achievements.values() for pk in found},
        state__in=Award.LIVE_STATES,
    )
    categories = {bulk_csv.key(value): value for value in StatusCategory.values}
    categories.update({bulk_csv.key(str(label)): value for value, label in StatusCategory.choices})
    return Lookups(
        learners={k: tuple(sorted(v)) for k, v in learners.items()},
        achievements={k: tuple(sorted(v)) for k, v in achievements.items()},
        enrolled=enrolled,
        live_awards={
            (learner_id, achievement_id): pk
            for pk, learner_id, achievement_id in live.values_list(
                "pk", "learner_id", "achievement_id"
            )
        },
        categories=categories,
    )


def _outcomes(upload: BulkUpload) -> list[RowOutcome]:
    rows = bulk_csv.read_rows(upload.content, kind=upload.kind)
    return bulk_csv.classify(rows, _lookups(upload.course, rows), kind=upload.kind)


def preview_token(upload: BulkUpload, outcomes: Sequence[RowOutcome], *, actor: str) -> str:
    return signing.dumps(
        {"u": str(upload.uuid), "a": actor, "d": bulk_csv.outcomes_digest(outcomes)},
        salt=TOKEN_SALT,
    )


def preview(upload: BulkUpload, *, actor: str) -> Preview:
    """Every line's outcome now; a token to apply exactly this, if every line can be."""
    outcomes = _outcomes(upload)
    applicable = upload.state == BulkUpload.State.UPLOADED and bulk_csv.all_applicable(outcomes)
    token = preview_token(upload, outcomes, actor=actor) if applicable else ""
    return Preview(upload, outcomes, token)


def _checked_token(upload: BulkUpload, token: str, *, actor: str) -> str:
    try:
        signed = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise BulkRefused(
            _("This preview has expired or is not valid: preview the file again."),
            [],
            stale=True,
        ) from None
    if signed.get("u") != str(upload.uuid) or signed.get("a") != actor:
        raise BulkRefused(_("This preview belongs to another upload or person."), [], stale=True)
    return str(signed.get("d", ""))


def apply_upload(*, upload: BulkUpload, token: str, actor: str, actor_name: str = "") -> int:
    """Apply every line the token's preview promised, in one transaction; the number applied.
    BulkRefused (nothing written) when the preview is stale or any line cannot be applied."""
    promised = _checked_token(upload, token, actor=actor)
    with transaction.atomic():
        locked = (
            BulkUpload.objects.select_for_update(of=("self",))
            .select_related("course")
            .get(pk=upload.pk)
        )
        if locked.state != BulkUpload.State.UPLOADED:
            raise BulkRefused(_("This file was already applied."), [], stale=True)
        outcomes = _outcomes(locked)
        if bulk_csv.outcomes_digest(outcomes) != promised:
            raise BulkRefused(
                _("Something changed since the preview: check the new preview and apply again."),
                outcomes,
                stale=True,
            )
        if not bulk_csv.all_applicable(outcomes):
            raise BulkRefused(
                _("Some lines cannot be applied; nothing was done."), outcomes, stale=False
            )
        events: list[EventInput] = []
        if locked.kind == BulkUpload.Kind.AWARD:
            _award_all(locked, outcomes, actor=actor, events=events)
        else:
            _revoke_all(locked, outcomes, actor=actor, events=events)
        locked.state = BulkUpload.State.APPLIED
        locked.applied_by = actor[:255]
        locked.applied_at = timezone.now()
        locked.save(update_fields=["state", "applied_by", "applied_at"])
        events.append(
            EventInput(
                actor=actor,
                action=f"bulk.applied_{locked.kind}",
                object_type="bulk_upload",
                object_id=str(locked.uuid),
                before={"state": BulkUpload.State.UPLOADED},
                after={"state": locked.state, "rows": len(outcomes), "by_name": actor_name},
                platform_id=locked.course.platform_id,
            )
        )
        # One hold of the chain's head for the whole file, at the end of its transaction.
        record_events(events)
    return len(outcomes)


def _award_all(
    upload: BulkUpload, outcomes: Sequence[RowOutcome], *, actor: str, events: list[EventInput]
) -> None:
    course = upload.course
    learners = Learner.objects.in_bulk([o.learner_id for o in outcomes])
    achievements = {a.pk: a for a in course_achievements(course)}
    for o in outcomes:
        # An applicable line has both ids (bulk_csv.classify).
        assert o.learner_id is not None and o.achievement_id is not None
        achievement = achievements[o.achievement_id]
        item = review_item(achievement=achievement, reason=o.reason, url=o.extra)
        # AlreadyHeld or any other failure propagates: the whole transaction rolls back.
        award = grant_award(
            basis=Award.Basis.REVIEW,
            learner=learners[o.learner_id],
            achievement=achievement,
            course=course,
            evidence_items=[item] if o.extra else [],
            actor=actor,
            reason=o.reason,
            reviewed_by=actor,
            events=events,
        )
        if not o.extra:
            # No link to point at: the review is recorded at the award's own evidence page
            # (a fragment of it, so its id differs from the page's own evidence item). Set
            # before commit, so before the award is signed.
            item["id"] = f"{evidence_url(base_url(), award.uuid)}#review"
            Award.objects.filter(pk=award.pk).update(evidence_items=[item])


def review_item(*, achievement: Achievement, reason: str, url: str) -> dict[str, str]:
    """The evidence item that says a credential was awarded by review, in the achievement's
    language (it is signed next to the achievement's own words)."""
    with translation.override(achievement.language or settings.LANGUAGE_CODE):
        return {
            "id": url,
            "name": _("Awarded by review of quality assurance"),
            "narrative": _("Awarded by review, not by a graded assessment. Reason: %(reason)s")
            % {"reason": reason},
            "genre": "Review",
        }


def _revoke_all(
    upload: BulkUpload, outcomes: Sequence[RowOutcome], *, actor: str, events: list[EventInput]
) -> None:
    awards = Award.objects.in_bulk([o.award_id for o in outcomes])
    for o in outcomes:
        revoke_award(
            award=awards[o.award_id],
            reason=o.reason,
            actor=actor,
            category=o.extra,
            events=events,
        )
