"""Rows written and keys read on PostgreSQL with one array parameter per column.

Django binds parameters on the client: a multi-row `INSERT ... VALUES` of 1,000 roster rows
has 8,000 placeholders, and psycopg finds each of them in the query text with a regular
expression before quoting its value, which cost more than the rows' writing itself (a tenth
of a first sync's process time, ADR 0081). Here each column is one array and the database
pairs them up (`unnest`); a column whose rows all hold the same value (the platform, the
time written) is one plain parameter. The SQL's text no longer grows with the rows.

A row and its copy in another table (a result and its revision) are written by one statement
(`write_with_copies`): the copy is taken from the row as written
(`RETURNING`), with no lookup of it and no second round trip. A JSON column travels as one
JSON array's text, not as an array of texts psycopg escapes one by one.

PostgreSQL only; `bulk_write` keeps the portable statements (SQLite, the embedded default).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import DateTimeField, Field, JSONField, Model

from .array_literal import array_literal
from .bulk_columns import JSONText, columns_of

WRITE_BATCH = 500  # rows per statement (see `write_with_copies`)
_SIZE = re.compile(r"\(.*\)")  # varchar(255)[] is valid, but the size adds nothing to a parameter


def _json_documents(values: list) -> str | None:
    """The column's JSON values as ONE JSON array's text (each document as it is, or
    encoded), or None when a value is SQL NULL. One text parameter: psycopg builds a text
    array in Python, escaping every quote of every document, which cost more per result
    than the rest of its row."""
    if any(v is None for v in values):
        return None
    return "[" + ",".join(v if isinstance(v, JSONText) else json.dumps(v) for v in values) + "]"


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
    # `count` compares in C; the kinds are looked at only for a column that passes it.
    return values.count(first) == len(values) and all(type(v) is type(first) for v in values)


def select_from_arrays(
    connection, model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[list[str], str, list]:
    """(select list, FROM clause, parameters) that yield `rows` as rows of `fields`' columns,
    in their order: `INSERT INTO t (...) SELECT {", ".join(select list)} {FROM clause}`. Each column
    is one array (`unnest`), a JSON column one JSON array (`jsonb_array_elements`), zipped
    row by row (`ROWS FROM`); a column equal on every row is one plain parameter."""
    columns = columns_of(model, fields)
    selected, sources = [], []
    scalar_params: list = []
    source_params: list = []
    for i, column in enumerate(columns):
        db_type = column.db_type(connection) or "text"
        raw = [row[i] for row in rows]
        json_column = isinstance(column, JSONField)
        documents = _json_documents(raw) if json_column and not _same(raw) else None
        if documents is not None:
            sources.append("jsonb_array_elements(%s::jsonb)")
            source_params.append(documents)
            selected.append(f"u.c{len(sources)}")
            continue
        values = _values(column, raw, connection)
        if _same(values):
            selected.append(f"%s::{db_type}")
            scalar_params.append(values[0])
            continue
        sent_as = "text" if json_column else _SIZE.sub("", db_type)
        sources.append(f"unnest(%s::{sent_as}[])")
        literal = array_literal(values)
        source_params.append(values if literal is None else literal)
        selected.append(f"u.c{len(sources)}::{db_type}" if json_column else f"u.c{len(sources)}")
    if not sources:  # one row, or every row the same: still as many rows as given
        sources.append("unnest(%s::int[])")
        source_params.append(list(range(len(rows))))
    names = ", ".join(f"c{n}" for n in range(1, len(sources) + 1))
    from_clause = f"FROM ROWS FROM ({', '.join(sources)}) AS u({names})"
    return selected, from_clause, [*scalar_params, *source_params]


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
        f"SELECT {', '.join(selected)} {from_clause} ON CONFLICT DO NOTHING"
    )
    if returning:
        sql += " RETURNING " + ", ".join(quote(c.column) for c in columns_of(model, returning))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if returning else []


def write_with_copies(
    connection,
    *,
    model: type[Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    copy_to: type[Model],
    copy_fields: Sequence[str],
    copied: Sequence[str],
    update: bool = False,
) -> None:
    """Inserts `rows` (or, with `update`, updates the rows whose primary key ends each row)
    and, in the same statement, one row of `copy_to` per row written: its `copy_fields`
    taken from the written row's `copied` columns (`id` included), as the database stored
    them. One round trip, and the copies need no lookup of the rows just written (a result
    and its revision)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = [quote(c.column) for c in columns_of(model, fields)]
    returned = ", ".join(quote(c.column) for c in columns_of(model, copied))
    into = ", ".join(quote(c.column) for c in columns_of(copy_to, copy_fields))
    copy = f"INSERT INTO {quote(copy_to._meta.db_table)} ({into}) SELECT * FROM written"  # noqa: S608 - quoted metadata
    pk = quote(model._meta.pk.column)
    sent = [*fields, model._meta.pk.name] if update else list(fields)
    assignments = ", ".join(f"{name} = s.v{i}" for i, name in enumerate(names))
    # In batches: a statement holds its rows' text a few times over on its way out (the
    # parameters, quoted, then the query), and a whole 2,000-result chunk at once raised
    # the sync's peak memory by about 2 MB.
    for start in range(0, len(rows), WRITE_BATCH):
        batch = rows[start : start + WRITE_BATCH]
        selected, from_clause, params = select_from_arrays(connection, model, sent, batch)
        if update:
            aliased = ", ".join(f"{value} AS v{i}" for i, value in enumerate(selected))
            write = (
                f"UPDATE {table} SET {assignments} "  # noqa: S608 - quoted metadata
                f"FROM (SELECT {aliased} {from_clause}) AS s WHERE {table}.{pk} = s.v{len(names)}"
            )
        else:
            listed = ", ".join(selected)
            write = f"INSERT INTO {table} ({', '.join(names)}) SELECT {listed} {from_clause}"  # noqa: S608 - quoted metadata
        with connection.cursor() as cursor:
            cursor.execute(f"WITH written AS ({write} RETURNING {returned}) {copy}", params)
