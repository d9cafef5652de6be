"""What the public credential page shows, read from the signed document (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from django.utils.translation import gettext as _

from .signing import parse_datetime

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


@dataclass
class LevelView:
    id: str
    name: str
    description: str = ""
    points: str = ""
    reached: bool = False
    required: bool = False


@dataclass
class CriterionView:
    id: str
    name: str
    levels: list[LevelView] = field(default_factory=list)
    alignments: list[dict[str, Any]] = field(default_factory=list)
    value: str = ""
    value_max: str = ""
    achieved_level: str = ""
    status: str = ""


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _date(value: str | None) -> datetime | None:
    try:
        return parse_datetime(value) if value else None
    except ValueError:
        return None


def _endorsements(achievement: dict[str, Any]) -> list[dict[str, str]]:
    """Who endorses the achievement, as the credential carries it (ADR 0066): name, words."""
    shown = []
    for endorsement in _as_list(achievement.get("endorsement")):
        if not isinstance(endorsement, dict):
            continue
        issuer = endorsement.get("issuer")
        name = issuer.get("name", "") if isinstance(issuer, dict) else ""
        subject = endorsement.get("credentialSubject")
        comment = subject.get("endorsementComment", "") if isinstance(subject, dict) else ""
        if isinstance(name, str) and isinstance(comment, str) and (name or comment):
            shown.append({"name": name, "comment": comment})
    return shown


def credential_view(document: dict[str, Any]) -> dict[str, Any]:
    """Plain data for the template: issuer, achievement, criteria with results, evidence."""
    # A pasted document may have any shape (a record's subject lists its achievements).
    subject = document.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, dict) else {}
    issuer = document.get("issuer") or {}
    if isinstance(issuer, str):
        issuer = {"id": issuer}
    results = {r.get("resultDescription"): r for r in _as_list(subject.get("result"))}
    criteria = []
    for rd in _as_list(achievement.get("resultDescription")):
        result = results.get(rd.get("id"), {})
        view = CriterionView(
            id=rd.get("id", ""),
            name=rd.get("name", ""),
            alignments=_as_list(rd.get("alignment")),
            value=result.get("value", ""),
            value_max=rd.get("valueMax", ""),
            status=result.get("status", ""),
        )
        for level in _as_list(rd.get("rubricCriterionLevel")):
            lv = LevelView(
                id=level.get("id", ""),
                name=level.get("name", ""),
                description=level.get("description", ""),
                points=level.get("points", ""),
                reached=level.get("id") == result.get("achievedLevel"),
                required=level.get("id") == rd.get("requiredLevel"),
            )
            if lv.reached:
                view.achieved_level = lv.name
            view.levels.append(lv)
        criteria.append(view)
    image = achievement.get("image")
    return {
        "name": document.get("name") or achievement.get("name", ""),
        "issuer": issuer,
        "achievement": achievement,
        "achievement_image": image.get("id") if isinstance(image, dict) else image,
        "criteria_narrative": (achievement.get("criteria") or {}).get("narrative", ""),
        "criteria": criteria,
        "alignments": _as_list(achievement.get("alignment")),
        "tags": _as_list(achievement.get("tag")),
        "evidence": _as_list(document.get("evidence")),
        "endorsements": _endorsements(achievement),
        "subject_name": subject.get("name", ""),
        "valid_from": _date(document.get("validFrom")),
        "valid_until": _date(document.get("validUntil")),
        "credential_id": document.get("id", ""),
    }


def linkedin_url(
    *, name: str, issuer_name: str, page_url: str, credential_id: str, view: dict[str, Any]
) -> str:
    """LinkedIn's add-to-profile link with the certification fields filled in."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": name,
        "organizationName": issuer_name,
        "certUrl": page_url,
        "certId": credential_id,
    }
    if view.get("valid_from"):
        params["issueYear"] = view["valid_from"].year
        params["issueMonth"] = view["valid_from"].month
    if view.get("valid_until"):
        params["expirationYear"] = view["valid_until"].year
        params["expirationMonth"] = view["valid_until"].month
    return f"{LINKEDIN_ADD}?{urlencode(params)}"


def email_url(*, name: str, issuer_name: str, page_url: str) -> str:
    """A mailto: link (no recipient: the learner's mail program asks) with subject and body."""
    subject = _("My credential: %(name)s") % {"name": name}
    body = _("I earned “%(name)s” from %(issuer)s. You can see and verify it here:\n%(url)s") % {
        "name": name,
        "issuer": issuer_name,
        "url": page_url,
    }
    return f"mailto:?subject={quote(subject)}&body={quote(body)}"
