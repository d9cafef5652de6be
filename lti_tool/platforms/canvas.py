"""Canvas: cost-based throttling, concluded courses, the score submission extension.

Canvas throttles with 429 (formerly 403 "Rate Limit Exceeded"), plain text and no
`Retry-After`; `X-Rate-Limit-Remaining` tells how empty the bucket is. A concluded course
answers every AGS call with 422, or 404 where a hidden feature flag is off.
"""

from __future__ import annotations

from datetime import datetime

import requests
from django.utils import timezone

from .base import PlatformAdapter

SUBMISSION_EXTENSION = "https://canvas.instructure.com/lti/submission"
_CONCLUDED_TEXT = "course has concluded"
# Canvas leaks about 10 units per second out of its bucket; a request costs about 50 up front.
_LEAK_PER_S = 10.0
_REQUEST_COST = 50.0


class CanvasAdapter(PlatformAdapter):
    flavour = "canvas"
    page_size = 100  # Canvas's default api_max_per_page
    roster_page_size = 50  # the names_and_roles cap (memberships_provider.rb)

    def is_throttled(self, response: requests.Response) -> bool:
        if response.status_code == 429:
            return True
        return response.status_code == 403 and "rate limit exceeded" in response.text[:200].lower()

    def retry_delay(self, response: requests.Response) -> float | None:
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

    def is_course_concluded(self, response: requests.Response) -> bool:
        return response.status_code == 422 and _CONCLUDED_TEXT in response.text[:1000].lower()

    def not_found_means_concluded(
        self, *, end_date: datetime | None, answered_before: bool
    ) -> bool:
        return answered_before or (end_date is not None and end_date <= timezone.now())

    def score_payload(self, payload: dict) -> dict:
        # Grade only (no new attempt), and never overwrite a teacher's own grade.
        return {
            **payload,
            SUBMISSION_EXTENSION: {"new_submission": False, "prioritize_non_tool_grade": True},
        }
