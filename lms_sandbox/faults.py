"""Injected failures, per sandbox platform, each with a remaining count, so a test can say
"fail twice, then succeed". Consumed with a conditional UPDATE ... RETURNING, so concurrent
requests never both take the last use, and a use taken is always served."""

from __future__ import annotations

import time

from django.db import connection
from django.http import HttpResponse

from .models import FaultSwitch, SandboxPlatform


def set_fault(
    *,
    platform: SandboxPlatform,
    kind: str,
    target: str = FaultSwitch.Target.ANY,
    times: int = 1,
    retry_after: int = 1,
    delay_seconds: float = 2.0,
) -> FaultSwitch:
    if kind not in FaultSwitch.Kind.values:
        raise ValueError(f"unknown fault kind {kind!r}; one of {FaultSwitch.Kind.values}")
    if target not in FaultSwitch.Target.values:
        raise ValueError(f"unknown fault target {target!r}; one of {FaultSwitch.Target.values}")
    if times < 1:
        raise ValueError("times must be at least 1")
    return FaultSwitch.objects.create(
        platform=platform,
        kind=kind,
        target=target,
        remaining=times,
        retry_after=retry_after,
        delay_seconds=delay_seconds,
    )


def clear_faults(*, platform: SandboxPlatform) -> None:
    FaultSwitch.objects.filter(platform=platform).delete()


def take_fault(*, platform: SandboxPlatform, target: str) -> FaultSwitch | None:
    """The oldest armed fault for this target (or for any), with one use consumed."""
    armed = FaultSwitch.objects.filter(
        platform=platform, remaining__gt=0, target__in=[target, FaultSwitch.Target.ANY]
    ).order_by("created_at", "pk")
    # Nearly every request finds none: answer that without writing anything.
    table = connection.ops.quote_name(FaultSwitch._meta.db_table)
    for fault in armed[:10]:
        # A conditional UPDATE is atomic on its own: of two concurrent requests only one
        # takes the last use (the row lock re-checks `remaining` on PostgreSQL). Whether it
        # took it is read from the statement's own RETURNING row, not the driver's rowcount:
        # SQLite's rowcount is the connection's last change count, and the tests' in-memory
        # database shares one connection between the live server's request threads and the
        # sync's, so another thread's statement could make a taken use look untaken (it was
        # then never served: a "throttled twice" fault answered once).
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET remaining = remaining - 1, hits = hits + 1"  # noqa: S608 - the table name is the model's own
                " WHERE id = %s AND remaining > 0 RETURNING id",
                [fault.pk],
            )
            taken = cursor.fetchone() is not None
        if taken:
            return fault
    return None


def fault_response(
    request, *, platform: SandboxPlatform, fault: FaultSwitch, flavour, media_type: str
) -> HttpResponse | None:
    """The response a fault forces, or None when the request goes on (slow, loop_next)."""
    kind = fault.kind
    K = FaultSwitch.Kind
    if kind == K.SLOW:
        time.sleep(fault.delay_seconds)
        return None
    if kind == K.LOOP_NEXT:
        return None
    if kind in (K.THROTTLE, K.THROTTLE_403):
        return flavour.throttled(
            request, status=403 if kind == K.THROTTLE_403 else 429, retry_after=fault.retry_after
        )
    if kind == K.SERVER_ERROR:
        return flavour.error(request, 500, "Internal Server Error")
    if kind == K.MALFORMED:
        return HttpResponse(
            '{"members": [{"status": "Act', status=200, content_type=f"{media_type}; charset=utf-8"
        )
    if kind == K.NOT_FOUND:
        # Moodle answers a PHP error inside a service with its HTML error page and 404
        # (core_renderer::fatal_error), the resource being there all along.
        return flavour.error(request, 404, "Not Found")
    if kind == K.CONCLUDED:
        return flavour.concluded(request, status=422)
    return None
