"""Canvas: a cloud issuer shared by every school, its placement vocabulary and developer-key
JSON, a top-level deployment id, cost-based throttling, concluded courses, the score
submission extension, small pages and unexpanded variables.

Nothing here was seen on a live Canvas (it cannot run on this machine): each rule cites the
project's Canvas captures (lms-captures/canvas/README.md, section numbers below), which are
copied or rebuilt from instructure/canvas-lms (paths below are in that repository).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils import timezone

from ..tool_configuration import (
    DESCRIPTION,
    PLATFORM_CONFIG,
    SCOPES,
    TOOL_ID,
    TOOL_NAME,
    tool_urls,
)
from .base import PlatformAdapter, id_text
from .rate_limit import RateReading, parallel_width

CANVAS_LTI = "https://canvas.instructure.com/lti/"
SUBMISSION_EXTENSION = CANVAS_LTI + "submission"
ACCOUNT_NAME = CANVAS_LTI + "account_name"
# The course's (and term's) end date, for concluding a course that answers 404.
CUSTOM_PARAMETERS = {
    "canvas_course_id": "$Canvas.course.id",
    "course_end_at": "$Canvas.course.endAt",
}
_CONCLUDED_TEXT = "course has concluded"
# Canvas leaks about 10 units per second out of its bucket; a request costs about 50 up front.
_LEAK_PER_S = 10.0
_REQUEST_COST = 50.0
# Budget left untouched by a sync (two requests' up-front charge): other tools and courses
# share the developer key's bucket (captures 10).
_RESERVE = 2 * _REQUEST_COST


class CanvasAdapter(PlatformAdapter):
    flavour = "canvas"
    # Canvas's default api_max_per_page (captures 9.2; lib/api.rb Api.paginate).
    page_size = 100
    # The names_and_roles cap (captures 11;
    # app/controllers/lti/ims/providers/memberships_provider.rb).
    roster_page_size = 50
    # Instructure's cloud issuers, one for every school (captures 1 and 2;
    # doc/api/lti_launch_overview.md). A fixed list: a configuration can claim any family.
    shared_issuers = frozenset(
        {
            "https://canvas.instructure.com",
            "https://canvas.beta.instructure.com",
            "https://canvas.test.instructure.com",
        }
    )

    # --- registration ---------------------------------------------------------------------
    def account_name(self, platform_config: dict[str, Any]) -> str:
        # The openid-configuration names the school's account (captures 13 step 2;
        # app/controllers/security_controller.rb#openid_configuration).
        name = (platform_config.get(PLATFORM_CONFIG) or {}).get(ACCOUNT_NAME)
        return name.strip() if isinstance(name, str) else ""

    def registration_tool_configuration(self, tool_config: dict[str, Any]) -> dict[str, Any]:
        # Canvas reads placements in its own vocabulary and a few extensions; unknown
        # placements are dropped and a message without placements becomes link_selection
        # (captures 13 step 3; lib/schemas/lti/ims/oidc_registration.rb).
        messages = []
        for message in tool_config.get("messages", []):
            message = dict(message)
            if message.get("type") == "LtiResourceLinkRequest":
                message["placements"] = [CANVAS_LTI + "course_navigation"]
                message[CANVAS_LTI + "course_navigation/default_enabled"] = True
                message[CANVAS_LTI + "visibility"] = "members"
            elif message.get("type") == "LtiDeepLinkingRequest":
                message["placements"] = ["ContentArea", CANVAS_LTI + "assignment_selection"]
            messages.append(message)
        return {
            **tool_config,
            "messages": messages,
            CANVAS_LTI + "privacy_level": "public",
            CANVAS_LTI + "tool_id": TOOL_ID,
            CANVAS_LTI + "vendor": TOOL_NAME,
            "custom_parameters": dict(CUSTOM_PARAMETERS),
        }

    def registration_deployment_id(self, answer: dict[str, Any]) -> str:
        # Canvas answers with a top-level `deployment_id` (it installs the tool in the
        # registering account), not inside the tool configuration (captures 13 step 4,
        # dynamic_registration/4_registration_response.json). Before its new registrations
        # UI it sent none: the first launch then brings it.
        return id_text(answer.get("deployment_id")) or super().registration_deployment_id(answer)

    def manual_configuration(self, *, base_url: str) -> dict[str, Any]:
        # "LTI Key > Paste JSON" (or "Enter URL" with /lti/canvas.json): captures 7,
        # config/developer_key.json; doc/api/lti_dev_key_config.md.
        urls = tool_urls(base_url)
        launch = urls["launch"]
        return {
            "title": TOOL_NAME,
            "description": DESCRIPTION,
            "oidc_initiation_url": urls["login"],
            "target_link_uri": launch,
            "public_jwk_url": urls["jwks"],
            "scopes": list(SCOPES),
            "extensions": [
                {
                    "domain": urlsplit(base_url).netloc,
                    "tool_id": TOOL_ID,
                    "platform": "canvas.instructure.com",
                    "privacy_level": "public",
                    "settings": {
                        "text": TOOL_NAME,
                        "placements": [
                            {
                                "placement": "course_navigation",
                                "message_type": "LtiResourceLinkRequest",
                                "text": "Credentials",
                                "target_link_uri": launch,
                                "default": "enabled",
                                "visibility": "members",
                            },
                            *(
                                {
                                    "placement": placement,
                                    "message_type": "LtiDeepLinkingRequest",
                                    "text": "Credbridge credential",
                                    "target_link_uri": launch,
                                }
                                for placement in ("link_selection", "assignment_selection")
                            ),
                        ],
                    },
                }
            ],
            "custom_fields": {**CUSTOM_PARAMETERS, "term_end_at": "$Canvas.term.endAt"},
        }

    # --- throttling and errors ----------------------------------------------------------
    def is_throttled(self, response: requests.Response) -> bool:
        # 429 today, formerly 403 "403 Forbidden (Rate Limit Exceeded)" in plain text
        # (captures 10, errors/throttled.json; app/middleware/request_throttle.rb).
        if response.status_code == 429:
            return True
        return response.status_code == 403 and "rate limit exceeded" in response.text[:200].lower()

    def retry_delay(self, response: requests.Response) -> float | None:
        # No `Retry-After`; `X-Rate-Limit-Remaining` says how empty the leaky bucket is
        # (captures 10; app/middleware/request_throttle.rb).
        explicit = super().retry_delay(response)
        if explicit is not None:
            return explicit
        remaining = response.headers.get("X-Rate-Limit-Remaining")
        if remaining is None:
            return None
        try:
            left = float(remaining)
        except ValueError:
            return None
        # Wait until the bucket has room for one more request.
        return max(0.0, (_REQUEST_COST - left) / _LEAK_PER_S)

    def rate_reading(self, response: requests.Response) -> RateReading | None:
        # Every API answer carries `X-Rate-Limit-Remaining` (hwm minus the bucket's level,
        # in-flight requests' up-front 50 included) and, unless throttled, `X-Request-Cost`
        # (captures 10; app/middleware/request_throttle.rb#call).
        try:
            remaining = float(response.headers["X-Rate-Limit-Remaining"])
        except (KeyError, ValueError):
            return None
        try:
            cost = float(response.headers.get("X-Request-Cost", "0"))
        except ValueError:
            cost = 0.0
        if not (math.isfinite(remaining) and math.isfinite(cost)):
            return None
        return RateReading(remaining=remaining, cost=cost)

    def sync_width(self, *, configured: int) -> int:
        # Canvas throttles once the bucket reaches its high-water mark, and every request in
        # flight holds 50 of it (request_throttle.rb LeakyBucket#reserve_capacity, #full?):
        # the width follows the budget Canvas reported last, one at a time until it has.
        latest = self.rate.latest
        if latest is None:
            width = 1
        else:
            width = parallel_width(
                remaining=latest.remaining,
                avg_cost=self.rate.avg_cost,
                reserve=_RESERVE,
                up_front_cost=_REQUEST_COST,
                max_width=int(getattr(settings, "SYNC_PARALLEL_MAX", 8)),
            )
        self.rate.note_width(width)
        return width

    def is_course_concluded(self, response: requests.Response) -> bool:
        # A concluded course answers every AGS call 422 "course has concluded" (captures 9.5,
        # errors/ags_422_course_concluded.json; app/controllers/lti/ims/concerns/
        # gradebook_services.rb#verify_course_not_concluded).
        return response.status_code == 422 and _CONCLUDED_TEXT in response.text[:1000].lower()

    def not_found_means_concluded(
        self, *, end_date: datetime | None, answered_before: bool
    ) -> bool:
        # ... or 404 where a hidden feature flag is off (same capture): a course that
        # answered before, or whose end date has passed, has concluded.
        return answered_before or (end_date is not None and end_date <= timezone.now())

    # --- payloads and people --------------------------------------------------------------
    def score_payload(self, payload: dict[str, Any]) -> dict[str, Any]:
        # Grade only (no new attempt), and never overwrite a teacher's own grade (captures
        # 9.4, ags/score_post_credbridge.json; app/controllers/lti/ims/scores_controller.rb).
        return {
            **payload,
            SUBMISSION_EXTENSION: {"new_submission": False, "prioritize_non_tool_grade": True},
        }

    def substituted(self, value: object) -> str:
        # A variable Canvas cannot expand is sent literally ("$Person.sourcedId" for a user
        # without SIS id): treat it as absent (captures 4 and 6;
        # lib/lti/variable_expander.rb).
        text = super().substituted(value)
        return "" if text.startswith("$") else text
