"""Unsaved rows of one model stored with one `INSERT … VALUES … RETURNING`, the values bound
on PostgreSQL's side.

Why not `bulk_create`: on PostgreSQL Django sends each column of a bulk insert as one array
(`UNNEST`), and psycopg writes an array's elements as text in Python, escaping every quote
and backslash of every JSON value or document with a regular expression. For an issuing
batch's fifty signed documents that was ~9 ms a credential (ADR 0076); 100 decisions of an
evaluation take 10.7 ms this way against 14.7 ms (ADR 0095). With one placeholder a value
and server-side binding (ADR 0093), each value travels beside the statement as it is; with
PostgreSQL's numbered placeholders psycopg does not split the statement in Python (ADR 0101).

No signals are sent and no field defaults beyond `pre_save` are computed, as with
`bulk_create`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import AutoField, Model

from .server_binding import server_side_binding

# PostgreSQL's protocol numbers a statement's parameters with 16 bits.
_MAX_PARAMETERS = 65_535


def insert_values(objs: Sequence[Model], *, skip_conflicts: bool = False) -> list[Any]:
    """Insert `objs` (unsaved, all of one model, their keys all set or all left to the
    database); return the primary keys stored.

    An auto-increment key is left to the database and set on each object from `RETURNING`,
    in order, as `bulk_create` does; that needs every row stored, so `skip_conflicts` (a row
    another writer already holds is skipped: `ON CONFLICT DO NOTHING`) is for models whose
    key the caller sets. The objects stored are marked saved.

    For rows with large texts or JSON. On PostgreSQL the statement is written with numbered
    placeholders (`$1`, …), which psycopg sends unparsed (ADR 0101). Rows of many narrow
    columns take PostgreSQL longer to plan this way than `bulk_create`'s arrays (100 awards
    of 28 columns: as much wall time for less of the caller's CPU; ADR 0101).
    """
    if not objs:
        return []
    meta = objs[0]._meta
    auto_key = isinstance(meta.pk, AutoField) and objs[0].pk is None
    if auto_key and skip_conflicts:
        raise ValueError("skip_conflicts needs keys set by the caller")
    fields = [f for f in meta.concrete_fields if not (auto_key and f.primary_key)]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    numbered = connection.vendor == "postgresql"
    size = max(
        1,
        min(connection.ops.bulk_batch_size(fields, objs), _MAX_PARAMETERS // len(fields)),
    )
    stored: list[Any] = []
    # Only this cursor takes numbered placeholders: the block is left before anything runs
    # (a query the ORM made meanwhile on a numbered cursor would fail on its `%s`).
    with server_side_binding(numbered=numbered):
        cursor = connection.cursor()
    with cursor:
        for start in range(0, len(objs), size):
            batch = objs[start : start + size]
            params = [
                f.get_db_prep_save(f.pre_save(obj, True), connection)
                for obj in batch
                for f in fields
            ]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({names}) "  # noqa: S608 - names from meta
                f"VALUES {_rows(len(batch), len(fields), numbered=numbered)} "
                f"{'ON CONFLICT DO NOTHING ' if skip_conflicts else ''}"
                f"RETURNING {quote(meta.pk.column)}",
                params,
            )
            keys = [meta.pk.to_python(pk) for (pk,) in cursor.fetchall()]
            if auto_key:
                if len(keys) != len(batch):  # never: no row is skipped without skip_conflicts
                    raise RuntimeError(f"{len(batch)} rows inserted, {len(keys)} returned")
                for obj, pk in zip(batch, keys, strict=True):
                    obj.pk = pk
            stored += keys
    kept = set(stored)
    for obj in objs:
        if obj.pk in kept:
            obj._state.adding, obj._state.db = False, connection.alias
    return stored


@lru_cache(maxsize=64)
def _rows(count: int, width: int, *, numbered: bool) -> str:
    """`count` rows of `width` placeholders: PostgreSQL's numbered ones (`$1`, …), sent
    unparsed (config.server_binding), or `%s` elsewhere. Made once per shape (batches are
    mostly of one size)."""
    if not numbered:
        row = "(" + ", ".join(["%s"] * width) + ")"
        return ", ".join([row] * count)
    return ", ".join(
        "(" + ", ".join(f"${n}" for n in range(first, first + width)) + ")"
        for first in range(1, count * width + 1, width)
    )
