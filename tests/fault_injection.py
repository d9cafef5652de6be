"""Fault injection for the exactly-once tests: fail, or die, just before a credential's row is
written (signed and verified, not stored), once. Test code only: production carries no hook.

The point is a `pre_save` receiver on credentials.Credential. In-process tests connect it with
the `fail_before_credential_stored` fixture (tests/awarding/conftest.py). A worker process
gets it from its app module, tests/fault_worker.py, which connects it when the environment
sets `CREDBRIDGE_FAULT=<action>:<marker file>`: `raise` (InjectedFault) or `kill` (SIGKILL
this process, as a crashed worker). The marker file is removed when the fault fires, so it
fires once across every process of the worker.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

from django.db.models.signals import pre_save

ENV = "CREDBRIDGE_FAULT"
DISPATCH_UID = "tests:fault-before-credential-stored"


class InjectedFault(RuntimeError):
    pass


def _fire_once(action: str, marker: Path) -> None:
    try:
        os.remove(marker)  # atomic: only one process wins the right to fail
    except FileNotFoundError:
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    raise InjectedFault("injected fault before the credential is stored")


def connect_before_credential_stored(*, action: str, marker: Path) -> Callable[[], None]:
    """Connect the fault; returns the function that disconnects it."""
    if action not in ("raise", "kill"):
        raise ValueError(f"unknown fault action {action!r}")

    def before_credential_stored(sender, **kwargs) -> None:
        if sender._meta.label == "credentials.Credential":
            _fire_once(action, marker)

    # weak=False: the closure has no other reference that would keep it alive.
    pre_save.connect(before_credential_stored, weak=False, dispatch_uid=DISPATCH_UID)
    return lambda: pre_save.disconnect(dispatch_uid=DISPATCH_UID)


def connect_from_environment() -> None:
    """In a worker process: connect the fault named by CREDBRIDGE_FAULT, if any."""
    action, _, marker = os.environ.get(ENV, "").partition(":")
    if action and marker:
        connect_before_credential_stored(action=action, marker=Path(marker))
