"""Statements whose parameters PostgreSQL binds (psycopg 3's server-side binding), for the few
hot writes that carry large texts or long arrays.

Django's psycopg 3 backend binds parameters in Python by default (`ClientCursor`): before a
statement is sent, psycopg quotes every value into its text. For an issuing batch's insert
(fifty signed documents of about 11 kB) and an evaluation's decisions (JSON and arrays for a
hundred learners) that quoting was a tenth of a worker's CPU (py-spy, ADR 0093). With server
binding the values travel beside the statement, as they are. Its caller is
`config.values_insert` (ADR 0095, 0101), which those two writes and the audit events use.

It is not the project's default (`OPTIONS["server_side_binding"]`): several reads sent in one
round trip (lti_tool.prepared_reads, ADR 0083) are one multi-statement text, which only a
client-bound statement can be. Inside the block, cursors Django creates on the default
connection bind on the server; on any other database nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from types import ModuleType

from django.db import connection


@contextmanager
def server_side_binding(*, numbered: bool = False) -> Iterator[None]:
    """Cursors created in the block, by Django's ORM or by hand, bind on PostgreSQL's side.

    `numbered`: their statements are written with PostgreSQL's own placeholders (`$1`,
    `$2`, …; psycopg's raw cursor) and sent as they are. With `%s` psycopg splits a statement
    at its placeholders in Python, and caches that only for statements of up to 50
    parameters: an insert of a hundred rows was split anew each time, about 5 % of an
    evaluation task's CPU (ADR 0101). Only for the cursor of statements written for it
    (`config.values_insert` makes its cursor in the block and leaves before using it).
    """
    if connection.vendor != "postgresql":
        yield
        return
    # Imported here: the backend module needs psycopg, which SQLite runs never load.
    from django.db.backends.postgresql import base as postgresql  # noqa: PLC0415

    connection.ensure_connection()
    raw = connection.connection
    before = raw.cursor_factory
    # Django's own server-binding class (its callproc and time zone handling), through
    # Django's own cursor path: the queries are wrapped, logged and counted as any other.
    plain = postgresql.ServerBindingCursor  # type: ignore[attr-defined]  # no stub
    raw.cursor_factory = _numbered_cursor(postgresql) if numbered else plain
    try:
        yield
    finally:
        raw.cursor_factory = before


@cache
def _numbered_cursor(postgresql: ModuleType) -> type:
    """Django's cursor behaviour (its `callproc`) on psycopg's raw cursor, which binds on the
    server as `ServerBindingCursor` does but takes `$n` placeholders unparsed."""
    import psycopg  # noqa: PLC0415 - as the backend module above

    return type("NumberedBindingCursor", (postgresql.CursorMixin, psycopg.RawCursor), {})
