"""The Deep Linking return endpoint's decisions: verify the tool's LtiDeepLinkingResponse
JWT against its JWKS and place what it returned (resource links, optional line items)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .flavours import get_flavour
from .models import (
    DeepLinkPlacement,
    PendingLaunch,
    SandboxCourse,
    SandboxLineItem,
    SandboxPlatform,
    SandboxResourceLink,
    UsedAssertion,
)
from .toolkeys import ToolKeyError, verify_tool_jwt

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
MAX_AGE = 300
RETURN_WINDOW = timedelta(hours=1)


class DeepLinkRefused(Exception):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass
class DeepLinkOutcome:
    placements: list[DeepLinkPlacement] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    msg: str = ""


def _check_claims(platform: SandboxPlatform, claims: dict, *, strict: bool) -> None:
    if claims.get("iss") != platform.client_id:
        raise DeepLinkRefused("jwt", "Client not found")
    aud = claims.get("aud")
    if not (aud == platform.issuer or (isinstance(aud, list) and platform.issuer in aud)):
        raise DeepLinkRefused("base", "the 'aud' is invalid")
    now = time.time()
    try:
        iat, exp = float(claims["iat"]), float(claims["exp"])
    except (KeyError, TypeError, ValueError):
        raise DeepLinkRefused("base", "iat and exp are required") from None
    if exp <= now:
        raise DeepLinkRefused("base", "the JWT has expired")
    if iat < now - MAX_AGE or iat > now + 30:
        raise DeepLinkRefused("base", f"the 'iat' must be less than {MAX_AGE} seconds old")
    if not claims.get("nonce"):
        raise DeepLinkRefused("base", "the 'nonce' is missing")
    if strict:  # Moodle checks what Canvas does not
        if claims.get(LTI + "message_type") != "LtiDeepLinkingResponse":
            raise DeepLinkRefused("base", "message_type must be LtiDeepLinkingResponse")
        if claims.get(LTI + "version") != "1.3.0":
            raise DeepLinkRefused("base", "version must be 1.3.0")
        if claims.get(LTI + "deployment_id") != platform.deployment_id:
            raise DeepLinkRefused("base", "unknown deployment_id")


def _pending(platform: SandboxPlatform, course: SandboxCourse, state: str) -> PendingLaunch:
    candidates = PendingLaunch.objects.filter(
        platform=platform, course=course, message_type="LtiDeepLinkingRequest"
    )
    pending: PendingLaunch | None
    try:
        pending = candidates.filter(hint=state).first()
    except (ValueError, ValidationError):  # a malformed UUID from the query string
        pending = None
    if pending is None or pending.created_at < timezone.now() - RETURN_WINDOW:
        raise DeepLinkRefused("base", "This deep linking request is unknown or has expired")
    return pending


def accept_response(
    *,
    platform: SandboxPlatform,
    course: SandboxCourse,
    state: str,
    token: str,
    strict: bool,
    publish_line_items: bool,
) -> DeepLinkOutcome:
    _pending(platform, course, state)
    try:
        claims = verify_tool_jwt(platform, token)
    except ToolKeyError as exc:
        raise DeepLinkRefused("jwt", str(exc)) from exc
    _check_claims(platform, claims, strict=strict)
    items = claims.get(DL + "content_items") or []
    if not isinstance(items, list):
        raise DeepLinkRefused("base", "content_items must be a list")
    outcome = DeepLinkOutcome(msg=str(claims.get(DL + "msg") or "")[:500])
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(
                platform=platform,
                jti=f"dl:{claims['nonce']}"[:255],
                expires_at=timezone.now() + RETURN_WINDOW,
            )
            for item in items:
                placed = _place(platform, course, item, outcome, publish_line_items)
                if placed is not None:
                    outcome.placements.append(placed)
    except IntegrityError:
        raise DeepLinkRefused("base", "This deep linking response was already received") from None
    return outcome


def _place(platform, course, item, outcome: DeepLinkOutcome, publish: bool):
    if not isinstance(item, dict) or item.get("type") != "ltiResourceLink":
        return None  # only resource links are accepted in this placement
    custom = {
        k: v
        for k, v in (item.get("custom") or {}).items()
        if isinstance(v, (str, int, float, bool))
    }
    line = item.get("lineItem")
    maximum = line.get("scoreMaximum") if isinstance(line, dict) else None
    if isinstance(line, dict) and (
        isinstance(maximum, bool) or not isinstance(maximum, (int, float)) or maximum <= 0
    ):
        outcome.errors.append("lineItem.scoreMaximum is a required field")
        return None
    title = str(item.get("title") or (line or {}).get("label") or platform.tool_name)[:200]
    link = SandboxResourceLink.objects.create(
        course=course,
        link_id="pending",
        title=title,
        description=str(item.get("text") or ""),
        url=str(item.get("url") or "")[:500],
        custom=custom,
        created_by_deep_link=True,
    )
    link.link_id = get_flavour(platform).new_link_id(link.pk)
    link.save(update_fields=["link_id"])
    li = None
    if isinstance(line, dict):
        li = SandboxLineItem.objects.create(
            course=course,
            label=str(line.get("label") or title)[:200],
            # A positive number: checked above.
            score_maximum=float(maximum),  # type: ignore[arg-type]
            resource_id=str(line.get("resourceId") or "")[:200],
            tag=str(line.get("tag") or "")[:200],
            resource_link=link,
            end_date_time=str((item.get("submission") or {}).get("endDateTime") or "")[:40],
            created_by_tool=False,
            published=publish,
        )
    return DeepLinkPlacement.objects.create(
        platform=platform, course=course, resource_link=link, line_item=li, item=item
    )
