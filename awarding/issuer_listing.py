"""The achievements an issuer's public page lists (registered with credentials.issuer_pages).

Public means something a verifier or a future learner may look for: an achievement that
an active rule awards under this issuer (through its institution's settings), or one this
issuer has already issued. A draft nobody awards yet stays off the page.
"""

from __future__ import annotations

from django.db.models import Q

from credentials.issuer_pages import ListedAchievement
from credentials.models import Issuer

from .award_issuance import base_url
from .badge_image import badge_data_uri
from .credential_inputs import achievement_url
from .models import Achievement

MAX_LISTED = 200  # a page for people, not an export


def public_achievements(issuer: Issuer) -> list[ListedAchievement]:
    awarded = Q(rules__active=True, platform__institution_setting__issuer=issuer)
    issued = Q(awards__credential__issuer=issuer)
    listed = Achievement.objects.filter(awarded | issued).distinct().order_by("name", "pk")
    achievements = listed[:MAX_LISTED]
    base = base_url()
    return [
        ListedAchievement(
            name=a.name,
            url=achievement_url(base, a.uuid),
            description=a.description,
            image_url=(base + a.image.url)
            if a.image
            else badge_data_uri(name=a.name, seed=str(a.uuid)),
            kind=str(a.get_achievement_type_display()),
        )
        for a in achievements
    ]
