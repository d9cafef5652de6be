"""Plain multi-row writes for the sync's hot path.

`bulk_create` spends most of its time compiling SQL per field per object (about 20 µs a
value), and `bulk_update` a CASE per column per row; a sync inserting 100,000 results and as
many revisions would pay that twice. Here new rows go to PostgreSQL through COPY, and to
SQLite as multi-row `INSERT ... VALUES` of up to `BATCH_ROWS` rows (`executemany` would send
one statement per row); changed rows are one `UPDATE ... WHERE id` each, sent together.
Values are adapted as Django would (`get_db_prep_save`) for the fields that need it (dates,
JSON); numbers, strings and ids pass through, and so does JSON the caller has encoded already
(`JSONText`: the sync hashes each result's canonical JSON and stores that same text, rather
than encoding every result twice more, for its row and its first revision).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from django.db import connections, router
from django.db.models import DateTimeField, Field, JSONField, Model

from .array_literal import array_literal
from .bulk_columns import JSONText, columns_of
from .bulk_unnest import insert_absent_returning

# 500 rows x ~10 columns stays far below SQLite's and PostgreSQL's parameter limits.
BATCH_ROWS = 500


def one_of(connection, values: Sequence[str] | Sequence[int]) -> tuple[str, list | str]:
    """SQL that tests a column against `values` with ONE parameter, and that parameter:
    `IN (%s, %s, ...)` with ten thousand values costs more to build and parse than the
    query takes to run."""
    if connection.vendor == "postgresql":
        # Typed: psycopg sends a list of small ints as smallint[], which a bigint column
        # compares against one element at a time instead of through a hash of the array.
        kind = "bigint" if values and isinstance(values[0], int) else "text"
        literal = array_literal(values)
        return f"= ANY(%s::{kind}[])", list(values) if literal is None else literal
    return "IN (SELECT value FROM json_each(%s))", json.dumps(list(values))


def _preparer(columns: list[Field], connection) -> Callable[[Iterable[tuple]], Iterator]:
    """Rows -> rows whose date and JSON values are ready for the driver."""
    adapt = [i for i, column in enumerate(columns) if isinstance(column, DateTimeField | JSONField)]
    driver_takes_aware = connection.vendor == "postgresql"

    def prepared(rows: Iterable[tuple]) -> Iterator:
        for row in rows:
            if not adapt:
                yield row
                continue
            values = list(row)
            for i in adapt:
                value = values[i]
                if isinstance(value, JSONText):
                    continue
                # psycopg takes an aware datetime as it is (Django would only check it);
                # SQLite and naive values get Django's conversion (and its warning).
                if not (driver_takes_aware and isinstance(value, datetime) and value.tzinfo):
                    values[i] = columns[i].get_db_prep_save(value, connection)
            yield values

    return prepared


def insert_rows(*, model: type[Model], fields: Sequence[str], rows: list[tuple]) -> None:
    if not rows:
        return
    _insert(connections[router.db_for_write(model)], model, fields, rows, returning=())


def insert_rows_if_absent(
    *,
    model: type[Model],
    fields: Sequence[str],
    rows: list[tuple],
    returning: Sequence[str] = (),
) -> list[tuple]:
    """Insert the rows that break no unique constraint; skip the others (a row written
    meanwhile by another process, as `bulk_create(ignore_conflicts=True)`), and give the
    `returning` columns of the rows inserted (a skipped row gives none). `INSERT ... ON
    CONFLICT DO NOTHING` on both databases (COPY has no such clause): on PostgreSQL with one
    array per column (`bulk_unnest`), on SQLite as multi-row VALUES."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        return insert_absent_returning(
            connection, model=model, fields=fields, rows=rows, returning=returning
        )
    return _insert(connection, model, fields, rows, returning=returning, if_absent=True)


def insert_rows_with_ids(
    *, model: type[Model], fields: Sequence[str], rows: list[tuple]
) -> list[int]:
    """Insert like `insert_rows`; the new rows' primary keys, in the order of `rows`.

    PostgreSQL: the keys are taken from the table's sequence first and written with the
    rows (COPY returns nothing). SQLite: each batch's INSERT returns its keys, which
    AUTOINCREMENT hands out in increasing order as the statement inserts its rows in order.
    """
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    pk = model._meta.pk
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk.column, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        _insert(
            connection,
            model,
            [pk.name, *fields],
            [(key, *row) for key, row in zip(ids, rows, strict=True)],
            returning=(),
        )
        return ids
    inserted = _insert(connection, model, fields, rows, returning=(pk.name,))
    return [row[0] for row in inserted]


def _insert(
    connection,
    model: type[Model],
    fields: Sequence[str],
    rows: list[tuple],
    *,
    returning: Sequence[str],
    if_absent: bool = False,
) -> list[tuple]:
    columns = columns_of(model, fields)
    prepared = _preparer(columns, connection)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column_list = ", ".join(quote(c.column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not if_absent:
            # COPY streams rows without building (and re-parsing) a large SQL string.
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in prepared(rows):
                    copy.write_row(row)
            return []
        head = f"INSERT INTO {table} ({column_list}) VALUES "  # noqa: S608 - quoted metadata
        one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        tail = " ON CONFLICT DO NOTHING" if if_absent else ""
        if returning:
            tail += " RETURNING " + ", ".join(quote(c.column) for c in columns_of(model, returning))
        returned: list[tuple] = []
        for start in range(0, len(rows), BATCH_ROWS):
            batch = rows[start : start + BATCH_ROWS]
            params = [value for row in prepared(batch) for value in row]
            cursor.execute(head + ", ".join([one_row] * len(batch)) + tail, params)
            if returning:
                # SQLite's RETURNING order is not documented; AUTOINCREMENT keys rise
                # with the statement's rows, so sorting gives them in the rows' order.
                returned += sorted(cursor.fetchall())
        return returned


def update_rows(*, model: type[Model], fields: Sequence[str], rows: list[tuple]) -> None:
    """Each row is the new values of `fields`, then the primary key of the row to update."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    columns = columns_of(model, fields)
    prepared = _preparer([*columns, model._meta.pk], connection)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(c.column)} = %s" for c in columns)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608 - quoted metadata
            list(prepared(rows)),
        )


def select_where_in(
    *,
    model: type[Model],
    fields: Sequence[str],
    where: dict[str, Any],
    key: str,
    values: Sequence[str] | Sequence[int],
) -> list[tuple]:
    """The `fields` of the rows matching `where` (field = value) whose `key` is one of
    `values`: `filter(key__in=values)` with the values as ONE parameter (`one_of`), so the
    query's text does not grow with them. Values as the database returns them (a JSON
    column's text, as stored)."""
    if not values:
        return []  # (and an empty list has no type to tell the database)
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    selected = ", ".join(quote(c.column) for c in columns_of(model, fields))
    tests = [f"{quote(c.column)} = %s" for c in columns_of(model, where)]
    test, param = one_of(connection, values)
    tests.append(f"{quote(columns_of(model, [key])[0].column)} {test}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {selected} FROM {quote(model._meta.db_table)} WHERE {' AND '.join(tests)}",  # noqa: S608 - quoted metadata
            [*where.values(), param],
        )
        return cursor.fetchall()
