"""Which platforms are one institution: those whose institution settings name the same issuer.

A platform whose settings name no issuer yet is an institution of its own (its issuer is
created on its first credential, awarding.award_issuance.issuer_for).
"""

from __future__ import annotations

from awarding.models import InstitutionSetting


def institution_platform_ids(platform_id: int) -> set[int]:
    """The platform and every platform sharing its issuer."""
    issuer_id = (
        InstitutionSetting.objects.filter(platform_id=platform_id)
        .values_list("issuer_id", flat=True)
        .first()
    )
    if issuer_id is None:
        return {platform_id}
    shared = InstitutionSetting.objects.filter(issuer_id=issuer_id).values_list(
        "platform_id", flat=True
    )
    return {platform_id, *shared}
