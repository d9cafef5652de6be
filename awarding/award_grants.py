"""Grant an award that does not come from a grade: by review (a manual award or recognition of
prior learning, approved by QA) or through a pathway (the learner holds its components).

The award is reserved and audited in one transaction and signed after commit by the same
task as grade awards (`award_issuance.issue_award`), so the exactly-once guarantees are the
same. What it rests on is fixed here and signed into the credential as evidence (ADR 0064).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from assessments.models import Course, Learner
from audit.events import EventInput, record_events

from .dispatch import enqueue_issue
from .models import Achievement, Award

EVIDENCE_KEYS = ("id", "name", "narrative", "genre")


class GrantError(ValueError):
    """The grant cannot be made as asked; the message says why (nothing was written)."""


class AlreadyHeld(GrantError):
    """The learner already holds a live award of this achievement."""


def grant_award(
    *,
    basis: str,
    learner: Learner,
    achievement: Achievement,
    course: Course | None = None,
    evidence_items: Iterable[Mapping[str, str]] = (),
    components: Iterable[Award] = (),
    actor: str,
    reason: str,
    reviewed_by: str = "",
    events: list[EventInput] | None = None,
) -> Award:
    """Reserve a pending award of `achievement` for `learner` and have it signed after commit.

    With `events`, the audit event is added to that list for the caller to append in its
    transaction (one chain append for many grants, ADR 0074) instead of being appended here.
    """
    items = [_evidence_item(item) for item in evidence_items]
    parts = list(components)
    _check(basis=basis, learner=learner, achievement=achievement, course=course, parts=parts)
    if not reason.strip():
        raise GrantError(_("An award outside the grade path needs a reason."))
    if not actor:
        raise GrantError(_("An award needs the person or process that grants it."))
    try:
        with transaction.atomic():
            award = Award.objects.create(
                basis=basis,
                course=course,
                achievement=achievement,
                learner=learner,
                evidence_items=items,
                reviewed_by=reviewed_by[:255],
                review_note=reason.strip(),
                state=Award.State.PENDING,
            )
            if parts:
                award.components.set(parts)
            event = EventInput(
                actor=actor,
                action="award.granted",
                object_type="award",
                object_id=str(award.uuid),
                before={},
                after={
                    "basis": basis,
                    "learner_id": learner.pk,
                    "achievement_id": achievement.pk,
                    "course_id": course.pk if course else None,
                    "components": sorted(str(p.uuid) for p in parts),
                    "evidence": [item["id"] for item in items],
                    "reason": reason.strip(),
                    "reviewed_by": reviewed_by,
                },
                platform_id=award.home_platform_id,
            )
            if events is None:
                record_events([event])
            else:
                events.append(event)
            enqueue_issue(award_ids=[award.pk])
    except IntegrityError as exc:
        if Award.objects.filter(
            learner=learner, achievement=achievement, state__in=Award.LIVE_STATES
        ).exists():
            raise AlreadyHeld(
                _("%(learner)s already holds “%(name)s”.")
                % {"learner": learner.name or learner.sub, "name": achievement.name}
            ) from exc
        raise
    return award


def _check(
    *,
    basis: str,
    learner: Learner,
    achievement: Achievement,
    course: Course | None,
    parts: list[Award],
) -> None:
    if basis == Award.Basis.REVIEW:
        if course is None:
            raise GrantError(_("An award by review is made in a course."))
    elif basis == Award.Basis.PATHWAY:
        if not parts:
            raise GrantError(_("A pathway award needs the awards it stacks."))
        if any(p.state not in (Award.State.ISSUED,) for p in parts):
            raise GrantError(_("A pathway award stacks issued credentials only."))
    else:
        raise GrantError(_("Grade awards are made by evaluating the rubric, not granted."))
    if course is not None and course.platform_id != achievement.platform_id:
        raise GrantError(_("The achievement belongs to another institution's platform."))
    if course is not None and course.platform_id != learner.platform_id:
        raise GrantError(_("The learner is not on this course's platform."))


def _evidence_item(item: Mapping[str, str]) -> dict[str, str]:
    """Only the four evidence fields, each a string, the id an http(s) URL: these are shown
    as links on public pages and signed into the credential."""
    clean = {key: str(item.get(key, "") or "") for key in EVIDENCE_KEYS}
    url = urlsplit(clean["id"])
    if url.scheme not in ("https", "http") or not url.netloc:
        raise GrantError(_("Evidence must be an http(s) address: %(id)s") % {"id": clean["id"]})
    if not clean["name"]:
        raise GrantError(_("Every piece of evidence needs a name."))
    return clean
