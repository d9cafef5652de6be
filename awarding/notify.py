"""Tell the learner: an email through Django's email framework (the in-tool notification row
is written with the award, in the same transaction)."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .award_issuance import base_url
from .credential_inputs import evidence_url
from .models import Award

log = logging.getLogger(__name__)


def credential_url(award: Award) -> str:
    return f"{base_url()}/credentials/{award.credential_id or award.uuid}"


def email_award(*, award_id: int, connection=None) -> bool:
    """Send the learner the award email once; True when this call sent it."""
    # Claim first: a retried task must not email twice. On a send failure the claim is
    # released so the retry can try again.
    claimed = Award.objects.filter(
        pk=award_id, state=Award.State.ISSUED, notified_at__isnull=True
    ).update(notified_at=timezone.now())
    if not claimed:
        return False
    award = Award.objects.select_related("learner", "achievement", "course").get(pk=award_id)
    return _send(award, connection=connection)


def email_awards(*, award_ids: list[int], connection=None) -> int:
    """`email_award` for a batch (ADR 0074): claimed with one locked read and one update, read
    with one query; returns how many were sent. On a send failure the claims of that award
    and of those not yet sent are released, and the error is raised (the retry sends them)."""
    with transaction.atomic():
        # Rows another claimer holds are skipped: it sends them.
        ids = list(
            Award.objects.select_for_update(skip_locked=True)
            .filter(pk__in=award_ids, state=Award.State.ISSUED, notified_at__isnull=True)
            .values_list("pk", flat=True)
        )
        Award.objects.filter(pk__in=ids).update(notified_at=timezone.now())
    awards = list(
        Award.objects.select_related("learner", "achievement__platform", "course")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    sent = 0
    for position, award in enumerate(awards):
        try:
            sent += _send(award, connection=connection, release_on_failure=False)
        except Exception:
            unsent = [a.pk for a in awards[position:]]
            Award.objects.filter(pk__in=unsent).update(notified_at=None)
            raise
    return sent


def _send(award: Award, *, connection=None, release_on_failure: bool = True) -> bool:
    if not award.learner.email:
        return False
    subject = _("You earned “%(name)s”") % {"name": award.achievement.name}
    body = _(
        "Hello %(learner)s,\n\n"
        "you earned “%(name)s” in %(course)s.\n\n"
        "Your credential: %(url)s\n"
        "The evidence behind it: %(evidence)s\n\n"
        "Anyone can verify it there. You can download it or add it to your wallet from the "
        "Credbridge page of your course."
    ) % {
        "learner": award.learner.name or award.learner.email,
        "name": award.achievement.name,
        # A pathway's stacked credential belongs to no course: the institution's platform.
        "course": (award.course.title or award.course.context_id)
        if award.course is not None
        else award.achievement.platform.name,
        "url": credential_url(award),
        "evidence": evidence_url(base_url(), award.uuid),
    }
    try:
        send_mail(subject, body, None, [award.learner.email], connection=connection)
    except Exception:
        if release_on_failure:
            Award.objects.filter(pk=award.pk).update(notified_at=None)
        raise
    return True
