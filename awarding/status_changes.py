"""Revoking, suspending and reinstating a credential as trusted issuers do it: one person asks,
a second confirms.

requested -> confirmed | declined | withdrawn. QA confirms or declines; where the institution
allows it (`InstitutionSetting.status_change_confirmers`) so may another instructor of the
course. The requester never confirms (checked here and by a database constraint) and is the
only one who may withdraw. The request row is locked while it is decided, and the award and
credential rows while they change, so two confirmations cannot both apply. Every step writes
its audit entry in the same transaction.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.events import record_event
from credentials.models import Credential, StatusCategory
from credentials.revocation import CredentialStateError, reinstate_credential, suspend_credential

from .models import Award, InstitutionSetting, Notification, StatusChange
from .revoke import AwardActionError, revoke_award
from .status_notices import notify_learner

Action = StatusChange.Action
State = StatusChange.State


class StatusChangeError(ValueError):
    """The step does not apply (wrong person, wrong state); the message says why, for people."""


def applicable_actions(award: Award) -> list[str]:
    """The changes that can be asked for in the award's current state (pure on the rows)."""
    if not award.is_live:
        return []
    status = award.credential.status if award.credential is not None else None
    if status == Credential.Status.SUSPENDED:
        return [Action.REINSTATE, Action.REVOKE]
    if status == Credential.Status.ACTIVE:
        return [Action.REVOKE, Action.SUSPEND]
    return [Action.REVOKE]


def colleagues_may_confirm(platform_id: int) -> bool:
    """Whether the institution lets another instructor of the course confirm (QA always may)."""
    return InstitutionSetting.objects.filter(
        platform_id=platform_id,
        status_change_confirmers=InstitutionSetting.Confirmers.QA_OR_COLLEAGUE,
    ).exists()


def _event(change: StatusChange, *, actor: str, step: str, before: str, **after: object) -> None:
    record_event(
        actor=actor,
        action=f"status_change.{step}",
        object_type="award",
        object_id=str(change.award.uuid),
        before={"state": before},
        after={"state": change.state, "action": change.action, **after},
        platform_id=change.award.home_platform_id,
    )


def request_status_change(
    *,
    award: Award,
    action: str,
    private_reason: str,
    public_category: str,
    actor: str,
    actor_name: str = "",
) -> StatusChange:
    """Ask for a change; nothing happens to the credential until a second person confirms."""
    private_reason = " ".join((private_reason or "").split())
    if not private_reason:
        raise StatusChangeError(_("Say why, for the learner."))
    if action == Action.REINSTATE:
        public_category = ""
    elif public_category not in StatusCategory.values:
        raise StatusChangeError(_("Choose the reason the public page shows."))
    if not actor:
        raise StatusChangeError(_("A request needs the person who asks."))
    with transaction.atomic():
        locked = (
            Award.objects.select_for_update(of=("self",))
            .select_related("credential", "course")
            .get(pk=award.pk)
        )
        if action not in applicable_actions(locked):
            raise StatusChangeError(_("This change does not apply to the credential as it is."))
        try:
            with transaction.atomic():
                change = StatusChange.objects.create(
                    award=locked,
                    action=action,
                    private_reason=private_reason[:2000],
                    public_category=public_category,
                    requested_by=actor[:255],
                    requested_by_name=actor_name[:200],
                )
        except IntegrityError:
            raise StatusChangeError(
                _("A request for this credential is already waiting for confirmation.")
            ) from None
        _event(
            change,
            actor=actor,
            step="requested",
            before="",
            reason=change.private_reason,
            category=public_category,
        )
    return change


def _decide(change: StatusChange, *, actor: str) -> StatusChange:
    """The request, locked; refused when it was decided meanwhile."""
    locked = (
        StatusChange.objects.select_for_update(of=("self",))
        .select_related("award__course", "award__achievement")
        .get(pk=change.pk)
    )
    if locked.state != State.REQUESTED:
        raise StatusChangeError(
            _("This request was already decided: %(state)s.")
            % {"state": locked.get_state_display()}
        )
    if not actor:
        raise StatusChangeError(_("A decision needs the person who takes it."))
    return locked


def _may_decide(change: StatusChange, *, actor: str, as_qa: bool) -> None:
    if actor == change.requested_by:
        raise StatusChangeError(
            _("You asked for this change; another person must confirm or decline it.")
        )
    if not as_qa and not colleagues_may_confirm(change.award.home_platform_id):
        raise StatusChangeError(_("Quality assurance confirms these requests at your institution."))


def confirm_status_change(
    *, change: StatusChange, actor: str, as_qa: bool, actor_name: str = ""
) -> StatusChange:
    """Apply the change to the credential, tell the learner, record who confirmed it."""
    with transaction.atomic():
        locked = _decide(change, actor=actor)
        _may_decide(locked, actor=actor, as_qa=as_qa)
        award = locked.award
        try:
            _apply(locked, actor=actor)
        except (AwardActionError, CredentialStateError) as exc:
            raise StatusChangeError(
                _("The credential changed since the request: %(why)s") % {"why": exc}
            ) from exc
        locked.mark_decided(state=State.CONFIRMED, actor=actor, actor_name=actor_name)
        _event(
            locked,
            actor=actor,
            step="confirmed",
            before=State.REQUESTED,
            requested_by=locked.requested_by,
        )
        award.refresh_from_db()
    return locked


def _apply(change: StatusChange, *, actor: str) -> None:
    award = change.award
    if change.action == Action.REVOKE:
        revoke_award(
            award=award,
            reason=change.private_reason,
            category=change.public_category,
            actor=actor,
            status_change=change,
        )
        return
    # Suspend and reinstate apply only to a stored credential (applicable_actions).
    credential = Credential.objects.get(award=award)
    platform_id = award.home_platform_id
    if change.action == Action.SUSPEND:
        suspend_credential(
            credential=credential,
            reason=change.private_reason,
            category=change.public_category,
            actor=actor,
            platform_id=platform_id,
        )
        kind = Notification.Kind.SUSPENDED
    else:
        reinstate_credential(
            credential=credential,
            reason=change.private_reason,
            actor=actor,
            platform_id=platform_id,
        )
        kind = Notification.Kind.REINSTATED
    notify_learner(award=award, kind=kind, reason=change.private_reason, status_change=change)


def decline_status_change(
    *, change: StatusChange, actor: str, as_qa: bool, note: str = "", actor_name: str = ""
) -> StatusChange:
    """Leave the credential as it is; the note says why (for the requester, not the learner)."""
    with transaction.atomic():
        locked = _decide(change, actor=actor)
        _may_decide(locked, actor=actor, as_qa=as_qa)
        locked.mark_decided(
            state=State.DECLINED,
            actor=actor,
            actor_name=actor_name,
            note=" ".join((note or "").split())[:2000],
        )
        _event(
            locked, actor=actor, step="declined", before=State.REQUESTED, note=locked.decision_note
        )
    return locked


def withdraw_status_change(*, change: StatusChange, actor: str) -> StatusChange:
    """The requester takes the request back before anyone decided it."""
    with transaction.atomic():
        locked = _decide(change, actor=actor)
        if actor != locked.requested_by:
            raise StatusChangeError(_("Only the person who asked can withdraw the request."))
        locked.mark_decided(state=State.WITHDRAWN, actor=actor)
        _event(locked, actor=actor, step="withdrawn", before=State.REQUESTED)
    return locked
