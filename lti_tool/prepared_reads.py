"""Fixed-shape ORM reads whose SQL is built once per thread, not once per request (ADR 0077).

Building a query's SQL is most of what an ORM read costs the tool: about 2 ms of CPU for one
row where the same statement through a cursor costs about 0.3 ms (ADR 0072). The launch's hot
path asks the same ten reads, differing only in their values, on every launch. A
`PreparedRead` is such a read written as a queryset (so it stays the ORM's query, joins,
ordering and conversions), compiled once with stand-in values, then run with each call's
values through a bare cursor; instances are built the way the ORM builds them
(`Model.from_db`, `select_related` rows included) and column values go through the
backend's converters.

Only exact lookups on plain values belong here (`field=value`, `field__in=[one]`): each
stand-in must reach the SQL's parameters unchanged, exactly once, which compiling checks.
Each read is tested against the ORM's answer for the same data (tests/lti_tool/
test_prepared_reads.py and the tests of each read's module).

Reads that do not depend on each other's answers can be sent together (`read_together`): on
PostgreSQL with psycopg's client-side binding (Django's default) their statements go in one
round trip and come back as one result set each (ADR 0083); elsewhere they run one by one. A
round trip costs the tool ~0.2-0.3 ms of CPU inside a request (the cursor, psycopg's send and
result handling) besides what reading the rows costs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=models.Model)

# Stand-ins no real value takes, each of its parameter's type (a field's get_prep_value
# would refuse a string for an integer column).
_INT_BASE = -7_300_000_000
_TEXT_MARK = "\x1fprepared-read-{}\x1f"
# Between the statements of reads sent together (tests count statements by it).
STATEMENT_SEPARATOR = ";\n"


@dataclass(frozen=True)
class _Compiled:
    connection: Any
    sql: str
    params: tuple[Any, ...]  # the compiled parameters, a stand-in's place holding None
    slots: tuple[tuple[int, str], ...]  # (position in params, parameter name)
    compiler: SQLCompiler
    converters: dict[int, tuple[list, Any]]
    # Instances: the model's own columns and the select_related populators; rows: None.
    model: type[models.Model] | None
    init_list: list[str]
    model_slice: slice
    populators: list


class PreparedRead(Generic[M]):
    """`build(**values) -> QuerySet` compiled once per thread and database connection.

    `params` names each value and its type (`int` or `str`); the call's values are converted
    to it as the ORM's lookups would (a None is refused: `field=None` is another query).
    `rows=True`: the queryset is a `values_list()` and the answer is its tuples.
    """

    def __init__(
        self,
        build: Callable[..., models.QuerySet],
        *,
        params: dict[str, type],
        rows: bool = False,
        using: str = DEFAULT_DB_ALIAS,
    ) -> None:
        if any(kind not in (int, str) for kind in params.values()):
            raise ImproperlyConfigured("PreparedRead parameters are int or str")
        self._build = build
        self._params = params
        self._rows = rows
        self._using = using
        self._local = threading.local()

    def queryset(self, **values: Any) -> models.QuerySet:
        """The ORM's queryset for these values (what the tests compare against)."""
        return self._build(**values)

    def _stand_ins(self) -> dict[str, Any]:
        return {
            name: _INT_BASE - i if kind is int else _TEXT_MARK.format(i)
            for i, (name, kind) in enumerate(self._params.items())
        }

    def _compiled(self) -> _Compiled:
        connection = connections[self._using]
        compiled: _Compiled | None = getattr(self._local, "compiled", None)
        # A thread's connection object lives as long as the thread (reconnecting keeps it).
        if compiled is not None and compiled.connection is connection:
            return compiled
        compiled = self._compile(connection)
        self._local.compiled = compiled
        return compiled

    def _compile(self, connection: Any) -> _Compiled:
        stand_ins = self._stand_ins()
        queryset = self._build(**stand_ins)
        compiler = queryset.query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        slots = []
        for name, stand_in in stand_ins.items():
            where = [i for i, value in enumerate(params) if value == stand_in]
            if len(where) != 1:
                raise ImproperlyConfigured(
                    f"PreparedRead: {name!r} reaches the SQL {len(where)} times, not once"
                )
            slots.append((where[0], name))
        fixed = tuple(None if i in {p for p, _ in slots} else v for i, v in enumerate(params))
        select = compiler.select
        converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        model, init_list, model_slice, populators = None, [], slice(0), []
        if not self._rows:
            klass_info = compiler.klass_info
            if klass_info is None or compiler.annotation_col_map:
                raise ImproperlyConfigured("PreparedRead: instances of a plain model queryset")
            fields = klass_info["select_fields"]
            model_slice = slice(fields[0], fields[-1] + 1)
            init_list = [f[0].target.attname for f in select[model_slice]]
            model = klass_info["model"]
            populators = get_related_populators(klass_info, select, self._using)
        return _Compiled(
            connection=connection,
            sql=sql,
            params=fixed,
            slots=tuple(slots),
            compiler=compiler,
            converters=converters,
            model=model,
            init_list=init_list,
            model_slice=model_slice,
            populators=populators,
        )

    def _statement(self, values: dict[str, Any]) -> tuple[_Compiled, list[Any]]:
        """The compiled read and this call's parameters."""
        if values.keys() != self._params.keys():
            raise TypeError(f"PreparedRead takes {sorted(self._params)}, got {sorted(values)}")
        compiled = self._compiled()
        params = list(compiled.params)
        for position, name in compiled.slots:
            value = values[name]
            if value is None:
                raise TypeError(f"PreparedRead: {name} is None")
            params[position] = self._params[name](value)
        return compiled, params

    def _fetch(self, values: dict[str, Any]) -> tuple[_Compiled, list[Sequence[Any]]]:
        compiled, params = self._statement(values)
        with compiled.connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return compiled, self._converted(compiled, rows)

    @staticmethod
    def _converted(compiled: _Compiled, rows: list[Sequence[Any]]) -> list[Sequence[Any]]:
        if compiled.converters:
            return list(compiled.compiler.apply_converters(rows, compiled.converters))
        return rows

    def _answer(self, compiled: _Compiled, rows: list[Sequence[Any]]) -> list[Any]:
        """What `all()` (or, for a read of rows, `rows()`) answers for these rows."""
        if compiled.model is None:
            return [tuple(row) for row in rows]
        return self._instances(compiled, rows)

    def _instances(self, compiled: _Compiled, rows: list[Sequence[Any]]) -> list[M]:
        assert compiled.model is not None
        found = []
        for row in rows:
            obj = compiled.model.from_db(self._using, compiled.init_list, row[compiled.model_slice])
            for populator in compiled.populators:
                populator.populate(row, obj)
            found.append(obj)
        return found  # type: ignore[return-value]

    def bound(self, **values: Any) -> BoundRead[M]:
        """This read with its values, to be sent with others (`read_together`)."""
        return BoundRead(self, values)

    def all(self, **values: Any) -> list[M]:
        """The instances the queryset would give, in its order."""
        compiled, rows = self._fetch(values)
        if compiled.model is None:
            raise TypeError("PreparedRead of rows: use rows()")
        return self._instances(compiled, rows)

    def first(self, **values: Any) -> M | None:
        """The first instance, for a queryset ordered and cut to one row (`[:1]`)."""
        found = self.all(**values)
        return found[0] if found else None

    def rows(self, **values: Any) -> list[tuple[Any, ...]]:
        """The tuples of a `values_list()` queryset."""
        compiled, rows = self._fetch(values)
        if compiled.model is not None:
            raise TypeError("PreparedRead of instances: use all() or first()")
        return [tuple(row) for row in rows]


@dataclass(frozen=True)
class BoundRead(Generic[M]):
    """A prepared read with the values of one call (`PreparedRead.bound`)."""

    read: PreparedRead[M]
    values: dict[str, Any]


def _batches(connection: Any) -> bool:
    """Whether several statements with parameters can go in one execute and come back as one
    result set each: psycopg 3 with client-side binding (Django's default; its server-side
    binding prepares one statement at a time)."""
    return (
        connection.vendor == "postgresql"
        # psycopg2 keeps only the last statement's result set.
        and connection.Database.__name__ == "psycopg"
        and not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding")
    )


def read_together(*reads: BoundRead[Any]) -> list[list[Any]]:
    """Each read's answer (`all()`'s instances, or `rows()`'s tuples for a read of rows), the
    reads sent in one round trip where the database allows it (see the module's docstring).
    The reads must not depend on each other's answers, and use one database."""
    if len({bound.read._using for bound in reads}) > 1:
        raise ValueError("read_together: reads of one database only")
    statements = [(bound.read, *bound.read._statement(bound.values)) for bound in reads]
    connection = statements[0][1].connection
    if len(statements) == 1 or not _batches(connection):
        answers = []
        for read, compiled, params in statements:
            with connection.cursor() as cursor:
                cursor.execute(compiled.sql, params)
                answers.append(read._answer(compiled, read._converted(compiled, cursor.fetchall())))
        return answers
    sql = STATEMENT_SEPARATOR.join(compiled.sql for _, compiled, _ in statements)
    params = [value for _, _, call_params in statements for value in call_params]
    answers = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for i, (read, compiled, _) in enumerate(statements):
            if i and not cursor.nextset():
                raise RuntimeError("read_together: fewer result sets than statements")
            answers.append(read._answer(compiled, read._converted(compiled, cursor.fetchall())))
    return answers
