"""What a token's holder may read: their credentials (paged) and their profile."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db.models import QuerySet

from assessments.models import Learner
from awarding.models import Award
from credentials.jose_forms import stored_forms
from credentials.jsonld_loader import OB_V3
from credentials.models import Credential, public_base_url

from .paging import Page


def holder_credentials(learner: Learner, page: Page) -> tuple[QuerySet[Credential], int]:
    """The learner's issued credentials in every course of their platform, oldest first.

    Revoked ones are left out (a backpack would only import a dead credential); suspended
    ones are included, their status list says so. Private pages are the holder's own too.
    """
    award_ids = Award.objects.filter(learner=learner).values("uuid")
    credentials = Credential.objects.filter(pk__in=award_ids).exclude(
        status=Credential.Status.REVOKED
    )
    if page.since is not None:
        credentials = credentials.filter(issued_at__gt=page.since)
    total = credentials.count()
    chosen = credentials.order_by("issued_at", "pk")[page.offset : page.offset + page.limit]
    return chosen, total


def credentials_body(credentials: QuerySet[Credential]) -> dict[str, Any]:
    """GetOpenBadgeCredentialsResponse: each credential once with its embedded proof
    (`credential`) and once in the OB 3.0 §8 JWT form (`compactJwsString`), same order."""
    rows = list(credentials)
    return {
        "credential": [json.loads(c.document) for c in rows],
        "compactJwsString": [token for token in stored_forms(rows, "jwt") if token],
    }


def holder_profile(learner: Learner) -> dict[str, Any]:
    """The learner's Profile: an opaque stable id, and the name and email the LMS sent."""
    profile_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{public_base_url()}/learners/{learner.pk}")
    profile: dict[str, Any] = {
        "@context": [OB_V3],
        "id": f"urn:uuid:{profile_id}",
        "type": "Profile",
    }
    if learner.name:
        profile["name"] = learner.name
    if learner.given_name:
        profile["givenName"] = learner.given_name
    if learner.family_name:
        profile["familyName"] = learner.family_name
    if learner.email:
        profile["email"] = learner.email
    return profile
