"""E-mail the learner a status message (revoked, suspended, reinstated) once, after the change
has committed; the in-tool message is its text (awarding.status_notices)."""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Notification

Kind = Notification.Kind


def notice_subject(*, kind: str, name: str) -> str:
    if kind == Kind.REVOKED:
        return _("Your credential “%(name)s” was revoked") % {"name": name}
    if kind == Kind.SUSPENDED:
        return _("Your credential “%(name)s” was suspended") % {"name": name}
    return _("Your credential “%(name)s” was reinstated") % {"name": name}


def email_notification(*, notification_id: int) -> bool:
    """Send the learner the status message once; True when this call sent it."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("learner", "award__achievement").get(
        pk=notification_id
    )
    address = notification.learner.email
    if not address:
        return False
    greeting = _("Hello %(learner)s,") % {"learner": notification.learner.name or address}
    footer = _("Open Credbridge from your course in the LMS to see your credentials.")
    try:
        send_mail(
            notice_subject(kind=notification.kind, name=notification.award.achievement.name),
            f"{greeting}\n\n{notification.message}\n\n{footer}",
            None,
            [address],
        )
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True
