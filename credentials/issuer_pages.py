"""What the public issuer page shows: the OB 3.0 Profile, and the issuer's achievements.

The page lives at the issuer's `url` (what every credential names as `issuer.url`), answers
the Profile JSON to machines and HTML to people. Which achievements an issuer offers is
awarding's knowledge, and credentials imports nothing of awarding (ADR 0005): awarding
registers a lister here in its AppConfig.ready(), as it registers its landings with lti_tool.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse

from .jsonld_loader import OB_V3, VC_V2

if TYPE_CHECKING:  # awarding imports this module in AppConfig.ready-time code: no models here
    from .models import Issuer


@dataclass(frozen=True)
class ListedAchievement:
    """One achievement as the issuer page lists it (plain data, absolute URLs)."""

    name: str
    url: str
    description: str = ""
    image_url: str = ""
    kind: str = ""  # the achievement type as people read it


AchievementLister = Callable[["Issuer"], list[ListedAchievement]]
_lister: AchievementLister | None = None


def register_achievement_lister(lister: AchievementLister) -> None:
    global _lister
    _lister = lister


def listed_achievements(issuer: Issuer) -> list[ListedAchievement]:
    """The issuer's public achievements; none when no app lists them (credentials alone)."""
    return _lister(issuer) if _lister is not None else []


@dataclass(frozen=True)
class ListedEndorsement:
    """One endorsement of the issuer's profile as its page shows it (plain data)."""

    endorser_name: str
    comment: str
    url: str  # its public page
    document: str  # the signed EndorsementCredential, exactly as stored
    external: bool = True


EndorsementLister = Callable[["Issuer"], list[ListedEndorsement]]
_endorsement_lister: EndorsementLister | None = None


def register_endorsement_lister(lister: EndorsementLister) -> None:
    """The app that keeps endorsements (awarding, ADR 0066) says which the profile shows."""
    global _endorsement_lister
    _endorsement_lister = lister


def listed_endorsements(issuer: Issuer) -> list[ListedEndorsement]:
    return _endorsement_lister(issuer) if _endorsement_lister is not None else []


def issuer_page_url(slug: str) -> str:
    """The absolute URL of an issuer's public page: the `url` its credentials carry."""
    base = getattr(settings, "PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("credentials:issuer", args=[slug])


def profile_json(
    issuer: Issuer, endorsements: list[ListedEndorsement] | None = None
) -> dict[str, Any]:
    """The issuer's OB 3.0 Profile (valid against ob_v3p0_profile_schema.json)."""
    profile: dict[str, Any] = {"@context": [VC_V2, OB_V3], "id": issuer.did, "type": ["Profile"]}
    profile.update(name=issuer.name, url=issuer.url)
    for key, value in (("email", issuer.email), ("description", issuer.description)):
        if value:
            profile[key] = value
    if issuer.image_url:
        profile["image"] = {"id": issuer.image_url, "type": "Image"}
    endorsements = endorsements if endorsements is not None else listed_endorsements(issuer)
    if endorsements:
        # OB 3.0 Profile.endorsement: the signed credentials themselves, unchanged.
        profile["endorsement"] = [json.loads(e.document) for e in endorsements]
    return profile
