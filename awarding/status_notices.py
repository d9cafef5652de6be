"""Tell the learner their credential was revoked, suspended or reinstated: an in-tool message
(written in the caller's transaction) and, when their address is known, an e-mail sent once
the change has committed. The private reason is in both; no public page shows it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Award, Notification, StatusChange
from .tasks import email_notification_task

Kind = Notification.Kind


def notice_text(*, kind: str, name: str, when: str, reason: str) -> str:
    """The learner's message in plain words (pure)."""
    if kind == Kind.REVOKED:
        text = _("“%(name)s” was revoked on %(date)s because: %(reason)s")
    elif kind == Kind.SUSPENDED:
        text = _(
            "“%(name)s” was suspended on %(date)s because: %(reason)s. "
            "It is not valid until it is reinstated."
        )
    else:
        text = _("“%(name)s” was reinstated on %(date)s and is valid again: %(reason)s")
    return text % {"name": name, "date": when, "reason": reason}


def notify_learner(
    *, award: Award, kind: str, reason: str, status_change: StatusChange | None = None
) -> Notification:
    """Write the in-tool message (inside the caller's transaction) and e-mail it on commit."""
    when = date_format(timezone.localtime(), "DATE_FORMAT")
    message = notice_text(kind=kind, name=award.achievement.name, when=when, reason=reason)
    if status_change is not None:
        notification, _created = Notification.objects.get_or_create(
            status_change=status_change,
            defaults={
                "award": award,
                "kind": kind,
                "learner_id": award.learner_id,
                "course_id": award.course_id,
                "message": message[:2000],
            },
        )
    else:
        notification, _created = Notification.objects.get_or_create(
            award=award,
            kind=kind,
            status_change=None,
            defaults={
                "learner_id": award.learner_id,
                "course_id": award.course_id,
                "message": message[:2000],
            },
        )
    if kind == Kind.REVOKED:
        # "You earned …" must not stay on the learner's list of news once it is untrue.
        Notification.objects.filter(award=award, kind=Kind.AWARDED, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    notification_id = notification.pk
    transaction.on_commit(lambda: email_notification_task.delay(notification_id=notification_id))
    return notification
