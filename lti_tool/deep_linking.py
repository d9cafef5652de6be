"""The LtiDeepLinkingResponse: which item the instructor places, signed by the tool key.

Claims come from pylti1p3's DeepLink (iss = client id, aud = platform issuer, nonce,
deployment, content items); we sign with the current tool key (its kid in the header) and
send `data` back only when the platform sent it (pylti1p3 2.0.0 sends `"data": null`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import jwt
from pylti1p3.deep_link import DeepLink, TDeepLinkData
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from .keys import current_signing_key
from .launch_hooks import PlacementLineItem
from .models import Platform
from .registry import registration_for

DATA_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
MSG_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/msg"
CREDENTIAL_TAG = "credbridge:credential"


@dataclass(frozen=True)
class Placement:
    """A resource link, and the custom parameters its launches carry back to the tool.

    A line item only when the placed credential's rule opted into a gradebook column on the
    setup page (the one place that decides: a tool's column counts toward Moodle's course
    total); it carries that column's tag and resourceId, so the postback finds it and never
    makes a second one."""

    title: str
    launch_url: str
    custom: dict[str, str] = field(default_factory=dict)
    line_item: PlacementLineItem | None = None


def accepts_resource_links(settings: dict) -> bool:
    return "ltiResourceLink" in (settings.get("accept_types") or [])


def accepts_line_items(settings: dict) -> bool:
    # Absent means yes (LTI Deep Linking 2.0 §4.4.1: accept_lineitem is optional).
    return settings.get("accept_lineitem", True) not in (False, "false")


def build_response_jwt(
    *, platform: Platform, deployment_id: str, settings: dict, placement: Placement
) -> str:
    resource = (
        DeepLinkResource()
        .set_title(placement.title)
        .set_url(placement.launch_url)
        .set_custom_params(dict(placement.custom))
    )
    if placement.line_item is not None and accepts_line_items(settings):
        resource.set_lineitem(
            LineItem()
            .set_label(placement.line_item.label)
            .set_score_maximum(placement.line_item.score_maximum)
            .set_tag(placement.line_item.tag)
            .set_resource_id(placement.line_item.resource_id)
        )
    item = resource.to_dict()
    if not placement.custom:
        item.pop("custom", None)  # empty custom params are noise to the platform
    # The launch's deep_linking_settings claim as the platform sent it (pylti1p3's TypedDict).
    deep_link = DeepLink(registration_for(platform), deployment_id, cast(TDeepLinkData, settings))
    message = deep_link.get_message_jwt([])
    message["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"] = [item]
    if settings.get("data") is None:
        message.pop(DATA_CLAIM, None)
    message[MSG_CLAIM] = f"Placed {placement.title}"
    key = current_signing_key()
    return jwt.encode(
        message, key.private_key(), algorithm="RS256", headers={"kid": key.kid, "typ": "JWT"}
    )
