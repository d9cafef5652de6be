"""Award a pathway's stacked credential when a person meets it, and flag it when a revoked
component leaves it unmet (ADR 0065).

A person is a learner's account plus the accounts linked to it (`account_links`). The check
holds the pathway's row lock, so two components issued at the same moment cannot both grant
the stacked award; `grant_award` and the one-live-award constraint refuse a second one anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from assessments.models import Learner
from awarding.award_grants import AlreadyHeld, grant_award
from awarding.flags import flag_award
from awarding.models import Award

from .account_links import person_learner_ids
from .evaluate import Progress, evaluate
from .holdings import GRANTING_STATES, KEEPING_STATES, held_credentials, pathway_spec
from .institution import in_institutions_of, institution_platform_ids
from .models import Pathway

log = logging.getLogger(__name__)
ACTOR = "system:pathways"


def person_progress(
    pathway: Pathway, learner_ids: Collection[int], *, states: Collection[str] = GRANTING_STATES
) -> Progress:
    """How far these accounts (one person) are along the pathway, now."""
    held = held_credentials(
        learner_ids, exclude_achievement_id=pathway.achievement_id, states=states
    )
    return evaluate(pathway_spec(pathway), held, now=timezone.now())


def active_pathways_for(platform_ids: Collection[int]):
    """Pathways in use of the institutions these platforms belong to."""
    # One query with the pathways (this runs on every learner page, right after the launch).
    return Pathway.objects.filter(in_institutions_of(platform_ids), state=Pathway.State.ACTIVE)


def _recipient(pathway: Pathway, learner_ids: Collection[int], fallback: int) -> int:
    """The account the stacked credential goes to: the person's account on the pathway's home
    platform if there is one, else the account whose credential completed it."""
    home = (
        Learner.objects.filter(pk__in=learner_ids, platform_id=pathway.platform_id)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return home or fallback


def evidence_item(award: Award) -> dict[str, str]:
    """A component credential as evidence of the stacked one (its public verification page)."""
    credential = award.credential
    if credential is None:  # only signed awards count as components; for the type checker
        raise ValueError(f"award {award.pk} has no credential")
    issued = date_format(credential.issued_at, "DATE_FORMAT")
    return {
        "id": credential.public_url,
        "name": award.achievement.name,
        "narrative": f"Credential “{award.achievement.name}” issued on {issued} by "
        f"{credential.issuer.name}, a component of this pathway.",
        "genre": "Credential",
    }


def award_if_met(*, pathway: Pathway, learner_id: int) -> Award | None:
    """Grant the pathway's credential to the person of `learner_id` if they meet it now and
    hold none yet; returns the reserved award (issued on commit), or None."""
    learner_ids = person_learner_ids(learner_id)
    with transaction.atomic():
        locked = (
            Pathway.objects.select_for_update().select_related("achievement").get(pk=pathway.pk)
        )
        if locked.state != Pathway.State.ACTIVE:
            return None
        already = Award.objects.filter(
            learner_id__in=learner_ids, achievement_id=locked.achievement_id
        ).exclude(state=Award.State.REVOKED)
        if already.exists():
            return None
        progress = person_progress(locked, learner_ids)
        if not progress.met:
            return None
        components = list(
            Award.objects.filter(pk__in=[h.award_id for h in progress.counted])
            .select_related("achievement", "credential__issuer")
            .order_by("issued_at", "pk")
        )
        try:
            award = grant_award(
                basis=Award.Basis.PATHWAY,
                learner=Learner.objects.get(pk=_recipient(locked, learner_ids, learner_id)),
                achievement=locked.achievement,
                course=None,
                evidence_items=[evidence_item(c) for c in components],
                components=components,
                actor=ACTOR,
                reason=" ".join(progress.sentences),
            )
        except AlreadyHeld:
            return None
    log.info("pathway %s met by learner %s: award %s", locked.pk, learner_id, award.uuid)
    return award


def check_person(*, learner_id: int) -> list[Award]:
    """Every pathway in use of the person's institutions, after one of their credentials
    was issued."""
    learner_ids = person_learner_ids(learner_id)
    platforms = set(
        Learner.objects.filter(pk__in=learner_ids).values_list("platform_id", flat=True)
    )
    granted = []
    for pathway in active_pathways_for(platforms):
        award = award_if_met(pathway=pathway, learner_id=learner_id)
        if award is not None:
            granted.append(award)
    return granted


def check_people(*, learner_ids: Collection[int]) -> list[Award]:
    """`check_person` for each learner of an issued batch (ADR 0074); one query when no
    pathway is in use anywhere (a linked account may be on any institution, so "none here"
    would take as many queries as the check itself)."""
    if not Pathway.objects.filter(state=Pathway.State.ACTIVE).exists():
        return []
    granted = []
    for learner_id in sorted(set(learner_ids)):
        granted += check_person(learner_id=learner_id)
    return granted


def check_pathway(*, pathway: Pathway) -> int:
    """Everyone of the institution who holds a credential, once a pathway is put into use."""
    platforms = institution_platform_ids(pathway.platform_id)
    holders = (
        Award.objects.filter(
            learner__platform_id__in=platforms,
            state__in=GRANTING_STATES,
        )
        .values_list("learner_id", flat=True)
        .distinct()
    )
    seen: set[int] = set()
    granted = 0
    for learner_id in sorted(holders):
        if learner_id in seen:
            continue
        seen |= person_learner_ids(learner_id)
        granted += award_if_met(pathway=pathway, learner_id=learner_id) is not None
    return granted


def recheck_after_revocation(*, component_award_id: int) -> list[Award]:
    """A component was revoked: flag each stacked award it was part of that the person's
    remaining credentials no longer support (QA keeps or revokes it, as for a lowered grade)."""
    revoked = Award.objects.select_related("achievement").get(pk=component_award_id)
    flagged = []
    stacked = Award.objects.filter(
        components=revoked, basis=Award.Basis.PATHWAY, state=Award.State.ISSUED
    ).select_related("achievement__pathway")
    for award in stacked:
        pathway = award.achievement.pathway
        learner_ids = person_learner_ids(award.learner_id)
        progress = person_progress(pathway, learner_ids, states=KEEPING_STATES)
        if progress.met:
            continue  # other credentials still meet it: nothing to review
        reason = (
            f"The component “{revoked.achievement.name}” was revoked and the pathway is no "
            f"longer met: {' '.join(progress.sentences)}"
        )
        flagged.append(flag_award(award=award, reason=reason))
    return flagged
