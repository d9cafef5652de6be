"""Links between two accounts of one person (ADR 0065): asked for by one staff member, approved
by another, removable; every step audited. Never made from a shared e-mail address.

Who counts as one person: the learner's own account and every account reachable through
approved links (all on platforms of the learner's institution).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Learner
from audit.events import record_event
from lti_tool.prepared_reads import PreparedRead

from .institution import institution_platform_ids
from .models import AccountLink


class AccountLinkError(ValueError):
    """The link cannot be made or changed; the message says why."""


def _event(*, actor: str, action: str, link: AccountLink, before: dict | None) -> None:
    record_event(
        actor=actor,
        action=action,
        object_type="account_link",
        object_id=str(link.pk),
        before=before,
        after={
            "state": link.state,
            "first_learner_id": link.first_id,
            "second_learner_id": link.second_id,
            "reason": link.reason,
        },
        platform_id=link.first.platform_id,
    )


def check_linkable(*, one: Learner, other: Learner, reason: str) -> None:
    """Raise AccountLinkError when these two accounts cannot be linked."""
    if not (reason or "").strip():
        raise AccountLinkError(_("Say how you know both accounts are the same person."))
    if one.pk == other.pk:
        raise AccountLinkError(_("An account cannot be linked to itself."))
    if one.platform_id == other.platform_id:
        # One platform knows a person by one `sub`: two accounts there are two people.
        raise AccountLinkError(_("Both accounts are on the same platform."))
    if other.platform_id not in institution_platform_ids(one.platform_id):
        raise AccountLinkError(_("The platforms belong to different institutions."))


def request_link(*, one: Learner, other: Learner, reason: str, actor: str) -> AccountLink:
    """Ask for two accounts to count as one person; `reason` says how staff know they are."""
    check_linkable(one=one, other=other, reason=reason)
    reason = reason.strip()
    first, second = sorted((one, other), key=lambda learner: learner.pk)
    with transaction.atomic():
        if (
            AccountLink.objects.filter(first=first, second=second)
            .exclude(state=AccountLink.State.REMOVED)
            .exists()
        ):
            raise AccountLinkError(_("These accounts are already linked or waiting."))
        link = AccountLink.objects.create(
            first=first, second=second, reason=reason, requested_by=actor[:255]
        )
        _event(actor=actor, action="account_link.requested", link=link, before=None)
    return link


def approve_link(*, link: AccountLink, actor: str) -> AccountLink:
    """A second staff member approves: from now on credentials of both accounts stack."""
    with transaction.atomic():
        locked = AccountLink.objects.select_for_update().select_related("first").get(pk=link.pk)
        if locked.state != AccountLink.State.REQUESTED:
            raise AccountLinkError(_("Only a link waiting for approval can be approved."))
        if locked.requested_by == actor:
            raise AccountLinkError(_("You asked for this link: another person must approve it."))
        locked.state = AccountLink.State.APPROVED
        locked.decided_by = actor[:255]
        locked.decided_at = timezone.now()
        locked.save(update_fields=["state", "decided_by", "decided_at"])
        _event(
            actor=actor,
            action="account_link.approved",
            link=locked,
            before={"state": AccountLink.State.REQUESTED},
        )
    return locked


def remove_link(*, link: AccountLink, actor: str) -> AccountLink:
    """Undo a link (or withdraw a request). Stacked credentials already issued stay as they are."""
    with transaction.atomic():
        locked = AccountLink.objects.select_for_update().select_related("first").get(pk=link.pk)
        if locked.state == AccountLink.State.REMOVED:
            return locked
        before = {"state": locked.state}
        locked.state = AccountLink.State.REMOVED
        locked.decided_by = locked.decided_by or actor[:255]
        locked.decided_at = timezone.now()
        locked.save(update_fields=["state", "decided_by", "decided_at"])
        _event(actor=actor, action="account_link.removed", link=locked, before=before)
    return locked


def _links_of(
    first_ids: Collection[int], second_ids: Collection[int]
) -> QuerySet[AccountLink, tuple[int, int]]:
    """The approved links whose first account is one of `first_ids` or whose second is one of
    `second_ids`, as (first_id, second_id)."""
    return (
        AccountLink.objects.filter(state=AccountLink.State.APPROVED)
        .filter(first_id__in=first_ids)
        .values_list("first_id", "second_id")
        .union(
            AccountLink.objects.filter(
                state=AccountLink.State.APPROVED, second_id__in=second_ids
            ).values_list("first_id", "second_id")
        )
    )


# Every learner page asks this for the page's own account: SQL built once (ADR 0077). The
# account is named twice (each side of a link), so it is two parameters of one value.
LINKS_OF_ONE: PreparedRead[AccountLink] = PreparedRead(
    lambda first, second: _links_of([first], [second]),
    params={"first": int, "second": int},
    rows=True,
)


def person_learner_ids(
    learner_id: int, *, first_step: Iterable[tuple[int, int]] | None = None
) -> set[int]:
    """The learner's account and every account linked to it, directly or through others.
    `first_step`: the account's own links if the caller read them already (LINKS_OF_ONE)."""
    found = {learner_id}
    frontier = {learner_id}
    while frontier:
        if first_step is not None and frontier == {learner_id}:
            pairs: Iterable[tuple[int, int]] = first_step
        elif len(frontier) == 1:  # the first step, and most people's only one
            (one,) = frontier
            pairs = LINKS_OF_ONE.rows(first=one, second=one)
        else:
            pairs = _links_of(frontier, frontier)
        reached = {pk for pair in pairs for pk in pair} - found
        found |= reached
        frontier = reached
    return found
