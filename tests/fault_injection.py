"""Fault injection for the exactly-once tests: fail, or die, just before a credential's row is
written (signed and verified, not stored), once. Test code only: production carries no hook.

The point is the SQL statement that inserts into the credentials table, however it is sent (a
row saved alone, or a batch's rows in one statement, ADR 0076): a database execute wrapper on
every connection. In-process tests connect it with the `fail_before_credential_stored`
fixture (tests/awarding/conftest.py). A worker process gets it from its app module,
tests/fault_worker.py, which connects it when the environment sets
`CREDBRIDGE_FAULT=<action>:<marker file>`: `raise` (InjectedFault) or `kill` (SIGKILL this
process, as a crashed worker). The marker file is removed when the fault fires, so it fires
once across every process of the worker. With `credential_id`, it fires instead on every
statement that would store that credential (one batch member failing, every time).
"""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Callable
from pathlib import Path

from django.db import connections
from django.db.backends.signals import connection_created

ENV = "CREDBRIDGE_FAULT"
DISPATCH_UID = "tests:fault-before-credential-stored"
_INSERT = 'INSERT INTO "credentials_credential"'


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


def _names(params, credential_id: uuid.UUID) -> bool:
    """Whether the statement's parameters hold the id: one per row, or (a PostgreSQL batch
    insert, `UNNEST`) one array per column. SQLite is sent a UUID as its 32 hex digits."""
    values = []
    for p in params if isinstance(params, (list, tuple)) else [params]:
        values.extend(p if isinstance(p, (list, tuple)) else [p])
    forms = {credential_id, str(credential_id), credential_id.hex}
    return any(v in forms for v in values if isinstance(v, (uuid.UUID, str)))


def connect_before_credential_stored(
    *, action: str, marker: Path | None = None, credential_id: uuid.UUID | None = None
) -> Callable[[], None]:
    """Connect the fault (on the open connections and those opened later); returns the
    function that disconnects it."""
    if action not in ("raise", "kill"):
        raise ValueError(f"unknown fault action {action!r}")
    if (marker is None) == (credential_id is None):
        raise ValueError("a marker file (fire once) or a credential id (fire on it), not both")

    def before_credential_stored(execute, sql, params, many, context):
        if sql.startswith(_INSERT):
            if marker is not None:
                _fire_once(action, marker)
            elif _names(params, credential_id):
                raise InjectedFault(f"injected fault before credential {credential_id} is stored")
        return execute(sql, params, many, context)

    def install(connection) -> None:
        if before_credential_stored not in connection.execute_wrappers:
            connection.execute_wrappers.append(before_credential_stored)

    def on_connection_created(sender, connection, **kwargs) -> None:
        install(connection)

    for connection in connections.all(initialized_only=True):
        install(connection)
    # weak=False: the closure has no other reference that would keep it alive.
    connection_created.connect(on_connection_created, weak=False, dispatch_uid=DISPATCH_UID)

    def disconnect() -> None:
        connection_created.disconnect(dispatch_uid=DISPATCH_UID)
        for connection in connections.all(initialized_only=True):
            if before_credential_stored in connection.execute_wrappers:
                connection.execute_wrappers.remove(before_credential_stored)

    return disconnect


def connect_from_environment() -> None:
    """In a worker process: connect the fault named by CREDBRIDGE_FAULT, if any."""
    action, _, marker = os.environ.get(ENV, "").partition(":")
    if action and marker:
        connect_before_credential_stored(action=action, marker=Path(marker))
