"""Which platforms are one institution: those whose institution settings name the same issuer.

A platform whose settings name no issuer yet is an institution of its own (its issuer is
created on its first credential, awarding.award_issuance.issuer_for).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import Q, QuerySet, Subquery

from awarding.models import InstitutionSetting


def sharing_issuer_with(platform_id: int) -> QuerySet[InstitutionSetting, Any]:
    """The platforms (`platform_id` values) whose settings name the issuer this platform's
    settings name: one query, or a subquery of another."""
    issuer = InstitutionSetting.objects.filter(
        platform_id=platform_id, issuer__isnull=False
    ).values("issuer_id")[:1]
    return InstitutionSetting.objects.filter(issuer_id__in=Subquery(issuer)).values("platform_id")


def institution_platform_ids(platform_id: int) -> set[int]:
    """The platform and every platform sharing its issuer."""
    return {platform_id, *(row["platform_id"] for row in sharing_issuer_with(platform_id))}


def in_institutions_of(platform_ids: Collection[int], *, field: str = "platform_id") -> Q:
    """A filter on `field`: one of these platforms, or a platform sharing its issuer with one
    (`institution_platform_ids` of each, joined) — as a subquery, so the page that filters
    with it asks one query, not one more per platform."""
    ids = list(platform_ids)
    issuers = InstitutionSetting.objects.filter(platform_id__in=ids, issuer__isnull=False).values(
        "issuer_id"
    )
    shared = InstitutionSetting.objects.filter(issuer_id__in=Subquery(issuers)).values(
        "platform_id"
    )
    return Q(**{f"{field}__in": ids}) | Q(**{f"{field}__in": Subquery(shared)})
