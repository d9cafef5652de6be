"""Canvas's request throttle, as app/middleware/request_throttle.rb (instructure/canvas-lms)
runs it in front of every API call (captures 10): a leaky bucket per LTI Advantage client.

* Before the request, the bucket is charged its up-front cost (50) — a placeholder that
  makes requests in parallel expensive — and leaks `outflow` (10) units a second since it
  was last touched, never below 0 nor above `maximum` (800) (LeakyBucket#reserve_capacity,
  #increment and the increment_bucket Lua script).
* If the bucket is then at or over its high-water mark (600) the request is refused with
  `403` and the plain text "403 Forbidden (Rate Limit Exceeded)" (#allowed?, #full?,
  #rate_limit_exceeded).
* Afterwards the up-front charge is taken back and the request's real cost (CPU time, plus
  any "extra-request-cost") stays in the bucket.
* Every answer carries `X-Rate-Limit-Remaining` (hwm minus the level, after this request's
  settlement) and, unless throttled, `X-Request-Cost`.

One difference, on the strict side: Canvas keys the bucket by client_id and database
cluster in Redis, shared by all its servers; the sandbox keys it by platform and client_id
in the serving process (the sandbox is one process). LMS_SANDBOX_CANVAS_THROTTLE overrides
the defaults (a test sets a small bucket or an extra cost per request).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from ..models import SandboxPlatform

# request_throttle.rb LeakyBucket defaults.
DEFAULTS = {"hwm": 600.0, "maximum": 800.0, "outflow": 10.0, "up_front_cost": 50.0}
THROTTLED_BODY = "403 Forbidden (Rate Limit Exceeded)\n"


def limits() -> dict[str, float]:
    configured = getattr(settings, "LMS_SANDBOX_CANVAS_THROTTLE", None) or {}
    return {**DEFAULTS, "extra_cost": 0.0, **{k: float(v) for k, v in configured.items()}}


@dataclass
class LeakyBucket:
    count: float = 0.0
    last_touched: float = field(default_factory=time.monotonic)

    def increment(self, amount: float, *, outflow: float, maximum: float) -> None:
        now = time.monotonic()
        leaked = (now - self.last_touched) * outflow
        # Never below empty: a credit must not bank budget for later requests.
        self.count = min(maximum, max(0.0, max(0.0, self.count - leaked) + amount))
        self.last_touched = now


_buckets: dict[str, LeakyBucket] = {}
_lock = threading.Lock()


def reset_buckets() -> None:
    """Empty every bucket (a test's fresh start)."""
    with _lock:
        _buckets.clear()


def _charge(key: str, amount: float, cfg: dict[str, float]) -> float:
    """Charge (or credit) the bucket; its level afterwards."""
    with _lock:
        bucket = _buckets.setdefault(key, LeakyBucket())
        bucket.increment(amount, outflow=cfg["outflow"], maximum=cfg["maximum"])
        return bucket.count


def metered(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A Canvas API view behind the request throttle."""

    @wraps(view)
    def wrapped(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        client_id = (
            SandboxPlatform.objects.filter(slug=slug).values_list("client_id", flat=True).first()
        )
        if client_id is None:
            return view(request, slug, *args, **kwargs)
        cfg = limits()
        key = f"lti_advantage:{slug}:{client_id}"
        up_front = cfg["up_front_cost"]
        started = time.thread_time()
        cost = 0.0
        throttled = False
        try:
            level = _charge(key, up_front, cfg)
            if level >= cfg["hwm"]:
                throttled = True
                response = HttpResponse(
                    THROTTLED_BODY, status=403, content_type="text/plain; charset=utf-8"
                )
            else:
                response = view(request, slug, *args, **kwargs)
                cost = time.thread_time() - started + cfg["extra_cost"]
        finally:
            level = _charge(key, cost - up_front, cfg)
        # An injected fault (lms_sandbox.faults) already says what it wants to say.
        if "X-Rate-Limit-Remaining" not in response:
            if not throttled:
                response["X-Request-Cost"] = str(cost)
            response["X-Rate-Limit-Remaining"] = str(cfg["hwm"] - level)
        return response

    return wrapped
