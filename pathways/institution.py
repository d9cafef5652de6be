"""Which platforms are one institution: those whose institution settings name the same issuer.

A platform whose settings name no issuer yet is an institution of its own (its issuer is
created on its first credential, awarding.award_issuance.issuer_for).
"""

from __future__ import annotations

from django.db.models import Subquery

from awarding.models import InstitutionSetting


def institution_platform_ids(platform_id: int) -> set[int]:
    """The platform and every platform sharing its issuer."""
    # One query: the platforms whose settings name the issuer this platform's settings name.
    issuer = InstitutionSetting.objects.filter(
        platform_id=platform_id, issuer__isnull=False
    ).values("issuer_id")[:1]
    shared = InstitutionSetting.objects.filter(issuer_id__in=Subquery(issuer)).values_list(
        "platform_id", flat=True
    )
    return {platform_id, *shared}
