"""One HTTP call to the LMS, bounded (lti_tool.outbound), with bounded retries.

Every call goes through `outbound.fetch`: a total deadline, a size cap, no redirects, and only
to the registration's own hosts (never a loopback or private address unless the registration
itself is on one). A refused host is an `UntrustedURL`, never retried; an oversized answer a
`MalformedResponse`.
429/5xx/timeouts are retried with exponential backoff and full jitter, honouring what the
LMS asks (`Retry-After`, Canvas's rate headers, via the adapter). The number of attempts
and the longest single wait are bounded, so a sync never hangs: when the LMS keeps
refusing, the caller gets `Throttled` or `Unavailable` and the run ends with the reason.
"""

from __future__ import annotations

import logging
import random
import time

import requests
from django.conf import settings

from lti_tool.outbound import (
    DeadlineExceeded,
    NotAllowed,
    TooLarge,
    Unreachable,
    discard,
    fetch,
)
from lti_tool.service_hosts import registration_policy

from .errors import MalformedResponse, Throttled, Unavailable, UntrustedURL

log = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, name, default)


def backoff_delay(attempt: int) -> float:
    """Full jitter: uniform in [0, base * 2**attempt], capped."""
    base = float(_setting("LTI_SERVICE_BACKOFF_BASE_S", 0.5))
    cap = float(_setting("LTI_SERVICE_BACKOFF_MAX_S", 20.0))
    return random.uniform(0, min(cap, base * (2**attempt)))


def send(method: str, url: str, *, adapter, **kwargs) -> requests.Response:
    """Send with retries; returns the first response that is not throttled or a 5xx.

    Never logs headers or bodies of requests (they carry tokens and assertions).
    """
    attempts = int(_setting("LTI_SERVICE_MAX_ATTEMPTS", 5))
    max_wait = float(_setting("LTI_SERVICE_MAX_WAIT_S", 60.0))
    # The longest silence between two packets; the whole call is bounded by the deadline.
    silence = float(_setting("LTI_SERVICE_TIMEOUT", (5.0, 30.0))[1])
    policy = registration_policy(adapter.platform, hosts=adapter.allowed_hosts())
    last_problem = ""
    for attempt in range(attempts):
        try:
            response = fetch(method, url, **policy._asdict(), read_timeout_s=silence, **kwargs)
        except NotAllowed as exc:
            log.warning("LMS call %s %s refused before connecting: %s", method, url, exc)
            raise UntrustedURL(
                f"{exc} Credbridge calls only the hosts of the LMS registration.", url=url
            ) from exc
        except TooLarge as exc:
            # Moodle sends a column's results in one answer: a very large course can need a
            # larger OUTBOUND_MAX_BYTES (about 330 bytes a result).
            log.warning("LMS call %s %s: %s (OUTBOUND_MAX_BYTES)", method, url, exc)
            raise MalformedResponse(f"The LMS answer was refused: {exc}", url=url) from exc
        except (DeadlineExceeded, Unreachable) as exc:
            last_problem = f"the LMS did not answer ({exc})"
            log.warning(
                "LMS call %s %s failed: %s (attempt %d)", method, url, last_problem, attempt + 1
            )
            if attempt + 1 < attempts:
                time.sleep(backoff_delay(attempt))
            continue
        throttled = adapter.is_throttled(response)
        # What the LMS said of the budget left decides how wide the sync goes (the adapter's
        # sync_width); throttled answers are counted for the run's figures.
        adapter.rate.record(adapter.rate_reading(response), throttled=throttled)
        if not throttled and response.status_code < 500:
            return response
        discard(response)  # a body left to be streamed (stream=True) is not read
        asked = adapter.retry_delay(response)
        if throttled:
            last_problem = f"the LMS is rate-limiting this tool (HTTP {response.status_code})"
        else:
            last_problem = f"the LMS answered with a server error (HTTP {response.status_code})"
        log.warning("LMS call %s %s: %s (attempt %d)", method, url, last_problem, attempt + 1)
        if asked is not None and asked > max_wait:
            # Waiting that long inside one task would block a worker: give up now, say when.
            raise Throttled(
                f"The LMS asked to wait {asked:.0f} s before calling again.",
                retry_after=asked,
                status=response.status_code,
                url=url,
            )
        if attempt + 1 < attempts:
            delay = backoff_delay(attempt)
            if asked is not None:
                delay = max(delay, asked) + random.uniform(0, 0.25)
            time.sleep(delay)
            continue
        if throttled:
            raise Throttled(
                f"Gave up after {attempts} attempts: {last_problem}.",
                retry_after=asked,
                status=response.status_code,
                url=url,
            )
        raise Unavailable(
            f"Gave up after {attempts} attempts: {last_problem}.",
            status=response.status_code,
            url=url,
        )
    raise Unavailable(f"Gave up after {attempts} attempts: {last_problem}.", url=url)
