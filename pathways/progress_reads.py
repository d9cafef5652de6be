"""What the pathway pages read: a learner's progress toward each pathway in use, and for QA,
who is one credential away from a pathway (\"who is close\")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Subquery

from assessments.models import Learner
from awarding.models import Award
from lti_tool.prepared_reads import BoundRead, PreparedRead, read_together

from .account_links import LINKS_OF_ONE, person_learner_ids
from .evaluate import Progress
from .holdings import counting_awards
from .institution import institution_platform_ids, sharing_issuer_with
from .models import Pathway
from .stacking import active_pathways_for, person_progress

# `active_pathways_for` one platform, with the achievements: the learner page's read for a
# person with one account (most), its SQL built once (ADR 0077). The platform is named twice
# (its own pathways, and those of platforms sharing its issuer): two parameters of one value.
INSTITUTION_PATHWAYS: PreparedRead[Pathway] = PreparedRead(
    lambda own, sharing_with: Pathway.objects.filter(
        Q(platform_id=own) | Q(platform_id__in=Subquery(sharing_issuer_with(sharing_with))),
        state=Pathway.State.ACTIVE,
    ).select_related("achievement"),
    params={"own": int, "sharing_with": int},
)


@dataclass(frozen=True)
class PathwayProgress:
    pathway: Pathway
    progress: Progress
    award: Award | None  # the person's stacked award, if they hold one (any state)


def pathway_reads(*, learner_id: int, platform_id: int) -> tuple[BoundRead[Any], ...]:
    """`learner_pathways`' first reads of an account on a platform: its links, and its
    institution's pathways in use (used only if the person has no other account)."""
    return (
        LINKS_OF_ONE.bound(first=learner_id, second=learner_id),
        INSTITUTION_PATHWAYS.bound(own=platform_id, sharing_with=platform_id),
    )


def learner_pathways(learner: Learner, *, ahead: tuple | None = None) -> list[PathwayProgress]:
    """Each pathway in use of the learner's institution, with the person's progress (their
    linked accounts included) and the stacked award they hold, nearest to done first.
    `ahead`: the answers of `pathway_reads` for this learner, if the caller read them."""
    # This runs on every learner page, right after the launch. Most people have one account,
    # whose platform is known without asking: its institution's pathways are read with the
    # account's links, in one round trip (ADR 0083), and not used if there are other accounts;
    # the learner page sends both with its own reads.
    links, own_pathways = ahead or read_together(
        *pathway_reads(learner_id=learner.pk, platform_id=learner.platform_id)
    )
    learner_ids = person_learner_ids(learner.pk, first_step=links)
    platforms = (
        {learner.platform_id}
        if learner_ids == {learner.pk}
        else set(Learner.objects.filter(pk__in=learner_ids).values_list("platform_id", flat=True))
    )
    pathways = (
        own_pathways
        if platforms == {learner.platform_id}
        else active_pathways_for(platforms).select_related("achievement")
    )
    found = []
    for pathway in pathways:
        award = (
            Award.objects.filter(learner_id__in=learner_ids, achievement_id=pathway.achievement_id)
            .select_related("credential")
            .order_by("-created_at", "-pk")
            .first()
        )
        found.append(PathwayProgress(pathway, person_progress(pathway, learner_ids), award))
    found.sort(key=lambda p: (p.progress.missing, p.pathway.achievement.name))
    return found


@dataclass(frozen=True)
class CloseLearner:
    learner: Learner
    progress: Progress


def close_to_completion(pathway: Pathway, *, limit: int = 100) -> list[CloseLearner]:
    """People one unit away (N-1 of N) who do not hold the pathway's credential yet."""
    platforms = institution_platform_ids(pathway.platform_id)
    holders = set(
        Award.objects.filter(achievement_id=pathway.achievement_id)
        .exclude(state=Award.State.REVOKED)
        .values_list("learner_id", flat=True)
    )
    candidates = (
        counting_awards(
            Learner.objects.filter(platform_id__in=platforms).values_list("pk", flat=True)
        )
        .values_list("learner_id", flat=True)
        .distinct()
    )
    seen: set[int] = set()
    close = []
    for learner_id in sorted(candidates):
        if learner_id in seen:
            continue
        person = person_learner_ids(learner_id)
        seen |= person
        if person & holders:
            continue
        progress = person_progress(pathway, person)
        if not progress.met and progress.missing == 1:
            close.append(CloseLearner(Learner.objects.get(pk=learner_id), progress))
            if len(close) >= limit:
                break
    return close
