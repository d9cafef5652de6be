"""A pathway's review: draft → submitted → approved → in use → retired (or back to draft).

Enforced here, whatever page calls it: only QA of the pathway's institution moves it, and the
person who submitted it never approves it (four eyes; a check constraint says so too). Putting
a pathway into use checks everyone who already holds one of its credentials (on commit).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rubrics.actors import Actor

from .definition import PathwayError, check_qa, record
from .evaluate import PathwaySpecError, validate
from .holdings import pathway_spec
from .models import Pathway
from .tasks import check_pathway_task

State = Pathway.State


def _locked(pathway: Pathway, actor: Actor, *, state: str, message: str) -> Pathway:
    locked = Pathway.objects.select_for_update().select_related("achievement").get(pk=pathway.pk)
    check_qa(actor, locked.platform_id)
    if locked.state != state:
        raise PathwayError(message)
    return locked


def submit(*, pathway: Pathway, actor: Actor) -> Pathway:
    with transaction.atomic():
        locked = _locked(
            pathway, actor, state=State.DRAFT, message=_("Only a draft can be submitted.")
        )
        try:
            validate(pathway_spec(locked))
        except PathwaySpecError as exc:
            raise PathwayError(str(exc)) from exc
        before = {"state": locked.state}
        locked.state = State.SUBMITTED
        locked.submitted_by = actor.id[:255]
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["state", "submitted_by", "submitted_at"])
        record(actor=actor, action="pathway.submitted", pathway=locked, before=before)
    return locked


def approve(*, pathway: Pathway, actor: Actor) -> Pathway:
    with transaction.atomic():
        locked = _locked(
            pathway,
            actor,
            state=State.SUBMITTED,
            message=_("Only a submitted pathway can be approved."),
        )
        if locked.submitted_by == actor.id:
            raise PathwayError(_("You submitted this pathway: another person must approve it."))
        locked.state = State.APPROVED
        locked.approved_by = actor.id[:255]
        locked.approved_by_name = actor.name[:255]
        locked.approved_at = timezone.now()
        locked.save(update_fields=["state", "approved_by", "approved_by_name", "approved_at"])
        record(
            actor=actor,
            action="pathway.approved",
            pathway=locked,
            before={"state": State.SUBMITTED},
        )
    return locked


def return_to_draft(*, pathway: Pathway, actor: Actor) -> Pathway:
    """A submitted pathway goes back for changes (QA declines it as it stands)."""
    with transaction.atomic():
        locked = _locked(
            pathway,
            actor,
            state=State.SUBMITTED,
            message=_("Only a submitted pathway can be sent back."),
        )
        locked.state = State.DRAFT
        locked.submitted_by = ""
        locked.submitted_at = None
        locked.save(update_fields=["state", "submitted_by", "submitted_at"])
        record(
            actor=actor,
            action="pathway.returned",
            pathway=locked,
            before={"state": State.SUBMITTED},
        )
    return locked


def activate(*, pathway: Pathway, actor: Actor) -> Pathway:
    with transaction.atomic():
        locked = _locked(
            pathway,
            actor,
            state=State.APPROVED,
            message=_("Only an approved pathway can be put into use."),
        )
        locked.state = State.ACTIVE
        locked.activated_at = timezone.now()
        locked.save(update_fields=["state", "activated_at"])
        record(
            actor=actor,
            action="pathway.activated",
            pathway=locked,
            before={"state": State.APPROVED},
        )
        pathway_id = locked.pk
        transaction.on_commit(lambda: check_pathway_task.delay(pathway_id=pathway_id))
    return locked


def retire(*, pathway: Pathway, actor: Actor) -> Pathway:
    """No new stacked credentials from now on; those issued stay valid."""
    with transaction.atomic():
        locked = _locked(
            pathway, actor, state=State.ACTIVE, message=_("Only a pathway in use can be retired.")
        )
        locked.state = State.RETIRED
        locked.retired_at = timezone.now()
        locked.save(update_fields=["state", "retired_at"])
        record(
            actor=actor, action="pathway.retired", pathway=locked, before={"state": State.ACTIVE}
        )
    return locked
