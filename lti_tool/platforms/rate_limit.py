"""How many requests the tool may have in flight at one LMS, from what the LMS said so far.

`parallel_width` is the pure rule; `RateGauge` gathers, per adapter (one per sync), the
readings of every answer (all threads of one sync share it). Only an LMS that reports its
budget (Canvas: `X-Rate-Limit-Remaining`, `X-Request-Cost`) gives readings; the adapter
decides what to make of them (`PlatformAdapter.sync_width`).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class RateReading:
    """What one answer said about the caller's budget."""

    remaining: float
    cost: float


def parallel_width(
    *,
    remaining: float,
    avg_cost: float,
    reserve: float,
    up_front_cost: float,
    k: float = 2.0,
    max_width: int,
) -> int:
    """Requests to keep in flight: as many as the budget above `reserve` pays for, each at
    its up-front charge plus `k` times the average final cost; between 1 and `max_width`.

    `remaining` was read with this client's other requests in flight already charged, so
    the width errs low (it swings between a narrower and a wider step) and never counts a
    charge twice in its favour.
    """
    per_request = max(1e-6, up_front_cost + k * max(0.0, avg_cost))
    more = math.floor((remaining - reserve) / per_request)
    return max(1, min(max_width, more))


class RateGauge:
    """Thread-safe record of one client's budget readings and throttled answers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.latest: RateReading | None = None
        self.avg_cost = 0.0
        self.readings = 0
        self.throttled = 0
        self.widest = 0

    def record(self, reading: RateReading | None, *, throttled: bool) -> None:
        """One answer's reading (None: it said nothing about the budget)."""
        with self._lock:
            if throttled:
                self.throttled += 1
            if reading is None:
                return
            self.latest = reading
            if not throttled:  # a refusal's cost is not a request's cost
                self.readings += 1
                # A running mean that follows changes: the last ~10 answers weigh most.
                weight = max(0.1, 1.0 / self.readings)
                self.avg_cost += weight * (reading.cost - self.avg_cost)

    def note_width(self, width: int) -> None:
        with self._lock:
            self.widest = max(self.widest, width)
