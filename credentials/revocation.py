"""Revoke (for good), suspend and reinstate credentials, each with a reason and an audit event.

Two reasons travel with a change: `reason`, the issuer's own words (private: the audit log,
QA and the learner), and `category`, one of a short fixed list, which is all the public
verification page says about why (`StatusCategory`).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.events import EventInput, record_events

from .models import Credential, StatusCategory, StatusList


class CredentialStateError(ValueError):
    """The change does not apply to the credential in its current state; the message says why."""


def _change(
    *,
    credential: Credential,
    to: str,
    allowed_from: tuple[str, ...],
    reason: str,
    category: str,
    actor: str,
    platform_id: int | None,
    events: list[EventInput] | None = None,
) -> Credential:
    reason = (reason or "").strip()
    if not reason:
        raise CredentialStateError("A reason is required.")
    if category and category not in StatusCategory.values:
        raise CredentialStateError(f"Unknown public reason category {category!r}.")
    if not actor:
        raise CredentialStateError("The person or process deciding it is required.")
    with transaction.atomic():
        locked = Credential.objects.select_for_update().get(pk=credential.pk)
        if locked.status not in allowed_from:
            raise CredentialStateError(f"The credential is {locked.status}; it cannot become {to}.")
        before = {
            "status": locked.status,
            "reason": locked.status_reason,
            "category": locked.status_category,
        }
        locked.status = to
        locked.status_reason = reason[:2000]
        locked.status_category = category
        locked.status_changed_at = timezone.now()
        locked.save(
            update_fields=["status", "status_reason", "status_category", "status_changed_at"]
        )
        # A new revision replaces any cached signed copy of the status list.
        StatusList.objects.filter(pk=locked.status_list_id).update(revision=F("revision") + 1)
        event = EventInput(
            actor=actor,
            action=f"credential.{to}"
            if to != Credential.Status.ACTIVE
            else "credential.reinstated",
            object_type="credentials.Credential",
            object_id=str(locked.pk),
            before=before,
            after={"status": to, "reason": locked.status_reason, "category": category},
            platform_id=platform_id,
        )
        if events is None:
            record_events([event])
        else:
            events.append(event)  # the caller appends them all at once (ADR 0074)
    credential.status = locked.status
    credential.status_reason = locked.status_reason
    credential.status_category = locked.status_category
    credential.status_changed_at = locked.status_changed_at
    return locked


def revoke_credential(
    *,
    credential: Credential,
    reason: str,
    actor: str,
    category: str = StatusCategory.OTHER,
    platform_id: int | None = None,
    events: list[EventInput] | None = None,
) -> Credential:
    """Revoke for good: the bit is set in the published status list. With `events`, the
    audit event is added to that list for the caller to append (with its own, in its
    transaction) instead of being appended here."""
    S = Credential.Status
    return _change(
        credential=credential,
        to=S.REVOKED,
        allowed_from=(S.ACTIVE, S.SUSPENDED),
        reason=reason,
        category=category,
        actor=actor,
        platform_id=platform_id,
        events=events,
    )


def suspend_credential(
    *,
    credential: Credential,
    reason: str,
    actor: str,
    category: str = StatusCategory.OTHER,
    platform_id: int | None = None,
) -> Credential:
    """Suspend until reinstated: the suspension list sets its bit (see status_lists)."""
    S = Credential.Status
    return _change(
        credential=credential,
        to=S.SUSPENDED,
        allowed_from=(S.ACTIVE,),
        reason=reason,
        category=category,
        actor=actor,
        platform_id=platform_id,
    )


def reinstate_credential(
    *, credential: Credential, reason: str, actor: str, platform_id: int | None = None
) -> Credential:
    """Lift a suspension (a revocation is final)."""
    S = Credential.Status
    return _change(
        credential=credential,
        to=S.ACTIVE,
        allowed_from=(S.SUSPENDED,),
        reason=reason,
        category="",
        actor=actor,
        platform_id=platform_id,
    )
