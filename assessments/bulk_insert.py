"""Plain multi-row INSERTs for the sync's hot path.

`bulk_create` spends most of its time compiling SQL per field per object (about 20 µs a
value); a sync inserting 100,000 results and as many revisions pays that twice. Here the
statement is built once and the rows go through `executemany` (pipelined by psycopg 3).
Values are adapted exactly as Django would (`get_db_prep_save`) for the fields that need it
(dates, JSON); numbers, strings and ids pass through.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import DateTimeField, JSONField, Model


def insert_rows(*, model: type[Model], fields: Sequence[str], rows: list[tuple]) -> None:
    if not rows:
        return
    db = router.db_for_write(model)
    connection = connections[db]
    columns = [model._meta.get_field(name) for name in fields]
    adapt = [i for i, column in enumerate(columns) if isinstance(column, DateTimeField | JSONField)]
    quote = connection.ops.quote_name
    # Only model metadata (quoted) goes into the statement; every value is a parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(c.column) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    if adapt:
        prepared = []
        for row in rows:
            values = list(row)
            for i in adapt:
                values[i] = columns[i].get_db_prep_save(values[i], connection)
            prepared.append(values)
    else:
        prepared = rows
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)
