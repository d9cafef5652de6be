"""Open registration (as OB 3.0 intends) with a ceiling: a few clients per hour per client
address, so nobody fills the database with clients. A cache outage lets registrations
through rather than failing the endpoint."""

from __future__ import annotations

import logging
import time
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from lti_tool.launch_context import LaunchRequest
from lti_tool.views.registration import client_address

logger = logging.getLogger(__name__)
WINDOW_S = 3600


def over_the_limit(request: HttpRequest) -> bool:
    limit = int(getattr(settings, "OB_API_REGISTRATIONS_PER_HOUR", 20))
    # client_address reads only META; LaunchRequest is the type of every request here.
    address = client_address(cast(LaunchRequest, request))
    key = f"ob-api-registrations:{address}:{int(time.time() // WINDOW_S)}"
    try:
        cache.add(key, 0, WINDOW_S)
        return int(cache.incr(key)) > limit
    except Exception:  # noqa: BLE001 - the limiter must never take the endpoint down
        logger.warning("client registration limiter unavailable", exc_info=True)
        return False
