"""Rows written and keys read on PostgreSQL with one array parameter per column.

Django binds parameters on the client: a multi-row `INSERT ... VALUES` of 1,000 roster rows
has 8,000 placeholders, and psycopg finds each of them in the query text with a regular
expression before quoting its value, which cost more than the rows' writing itself (a tenth
of a first sync's process time, ADR 0081). Here each column is one array and the database
pairs them up (`unnest`); a column whose rows all hold the same value (the platform, the
time written) is one plain parameter. The SQL's text no longer grows with the rows.

PostgreSQL only; `bulk_write` keeps the portable statements (SQLite, the embedded default).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import DateTimeField, Field, JSONField, Model

from .bulk_write import JSONText, columns_of

_SIZE = re.compile(r"\(.*\)")  # varchar(255)[] is valid, but the size adds nothing to a parameter


def _values(column: Field, values: list, connection) -> list:
    if isinstance(column, JSONField):
        # Sent as text and cast: a list of jsonb adapters is not an array psycopg can send.
        return [
            None if v is None else v if isinstance(v, JSONText) else json.dumps(v) for v in values
        ]
    if isinstance(column, DateTimeField):
        return [
            v
            if v is None or (isinstance(v, datetime) and v.tzinfo)
            else column.get_db_prep_save(v, connection)
            for v in values
        ]
    return values


def _same(values: list) -> bool:
    first = values[0]
    return all(v == first and type(v) is type(first) for v in values)


def select_from_arrays(
    connection, model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[str, str, list]:
    """(select list, FROM clause, parameters) that yield `rows` as rows of `fields`' columns,
    in their order: `INSERT INTO t (...) SELECT {select list} {FROM clause}`."""
    columns = columns_of(model, fields)
    selected, arrays = [], []
    scalar_params: list = []
    array_params: list = []
    for i, column in enumerate(columns):
        db_type = column.db_type(connection) or "text"
        values = _values(column, [row[i] for row in rows], connection)
        json_column = isinstance(column, JSONField)
        if _same(values):
            selected.append(f"%s::{db_type}")
            scalar_params.append(values[0])
            continue
        sent_as = "text" if json_column else _SIZE.sub("", db_type)
        arrays.append(f"%s::{sent_as}[]")
        array_params.append(values)
        selected.append(f"u.c{len(arrays)}::{db_type}" if json_column else f"u.c{len(arrays)}")
    if not arrays:  # one row, or every row the same: still as many rows as given
        arrays.append("%s::int[]")
        array_params.append(list(range(len(rows))))
    names = ", ".join(f"c{n}" for n in range(1, len(arrays) + 1))
    from_clause = f"FROM unnest({', '.join(arrays)}) AS u({names})"
    return ", ".join(selected), from_clause, [*scalar_params, *array_params]


def insert_absent_returning(
    connection,
    *,
    model: type[Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    returning: Sequence[str] = (),
) -> list[tuple]:
    """`INSERT ... ON CONFLICT DO NOTHING` of `rows`; the `returning` columns of the rows
    inserted (a row skipped for a conflict returns nothing)."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    into = ", ".join(quote(c.column) for c in columns_of(model, fields))
    selected, from_clause, params = select_from_arrays(connection, model, fields, rows)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({into}) "  # noqa: S608 - quoted metadata
        f"SELECT {selected} {from_clause} ON CONFLICT DO NOTHING"
    )
    if returning:
        sql += " RETURNING " + ", ".join(quote(c.column) for c in columns_of(model, returning))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if returning else []
