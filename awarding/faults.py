"""Fault injection for the exactly-once tests: die (or fail) at a named point, once.

Off unless the environment sets CREDBRIDGE_FAULT to `<point>:<action>:<marker file>`:
`action` is `kill` (SIGKILL this process, as a crashed worker) or `raise` (InjectedFault);
the marker file is removed when the fault fires, so it fires once across every process.
Points: `before_sign` (award locked, nothing signed) and `before_store` (the credential is
signed and verified, its row not yet written).
"""

from __future__ import annotations

import os
import signal

ENV = "CREDBRIDGE_FAULT"


class InjectedFault(RuntimeError):
    pass


def maybe_fail(point: str) -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    name, _, rest = spec.partition(":")
    action, _, marker = rest.partition(":")
    if name != point or not marker:
        return
    try:
        os.remove(marker)  # atomic: only one process wins the right to fail
    except FileNotFoundError:
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    raise InjectedFault(f"injected fault at {point}")
