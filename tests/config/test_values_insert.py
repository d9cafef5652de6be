"""config.values_insert: one INSERT … VALUES for a list of rows, on SQLite and PostgreSQL
alike; keys set in order, rows another writer holds skipped, long lists split under
PostgreSQL's parameter limit, and on PostgreSQL no array built from the values (ADR 0095)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awarding.models import Decision
from config import values_insert
from config.values_insert import insert_values
from tests.awarding.scenario import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def sc():
    scenario = build()
    scenario.add_learners(5)
    return scenario


def _decision(sc, learner, **extra) -> Decision:
    return Decision(
        rule=sc.rule,
        course=sc.course,
        achievement=sc.achievement,
        learner=learner,
        rubric_version=sc.rule.rubric.versions.first(),
        outcome="met",
        **extra,
    )


def test_auto_keys_are_set_in_order_and_the_values_stored_exactly(sc):
    text = 'a "quoted" \\ back\\slash — {"json": [1, 2]}\n'
    rows = [
        _decision(sc, learner, evidence={"k": [{"comment": text * n}]}, result={"n": n})
        for n, learner in enumerate(sc.learners)
    ]
    with CaptureQueriesContext(connection) as queries:
        keys = insert_values(rows)
    assert len(queries) == 1
    assert "UNNEST" not in queries[0]["sql"].upper()
    assert keys == [row.pk for row in rows] and None not in keys
    assert all(not row._state.adding for row in rows)
    for n, row in enumerate(rows):
        stored = Decision.objects.get(pk=row.pk)
        assert stored.learner_id == sc.learners[n].pk
        assert stored.evidence == {"k": [{"comment": text * n}]} and stored.result == {"n": n}


def test_rows_another_writer_holds_are_skipped_and_left_unsaved(sc):
    from audit.models import AuditChainHead

    AuditChainHead.objects.create(pk=1001, seq=7)
    rows = [
        AuditChainHead(pk=1003, seq=1),
        AuditChainHead(pk=1001, seq=2),
        AuditChainHead(pk=1002),
    ]
    assert sorted(insert_values(rows, skip_conflicts=True)) == [1002, 1003]
    held = rows[1]
    assert held._state.adding and AuditChainHead.objects.get(pk=1001).seq == 7
    assert not rows[0]._state.adding and not rows[2]._state.adding
    assert AuditChainHead.objects.get(pk=1003).seq == 1


def test_an_auto_key_cannot_tell_skipped_rows_apart(sc):
    with pytest.raises(ValueError, match="keys set by the caller"):
        insert_values([_decision(sc, sc.learners[0])], skip_conflicts=True)
    assert not Decision.objects.exists()


def test_a_list_over_the_parameter_limit_is_sent_in_several_statements(sc, monkeypatch):
    columns = len(Decision._meta.concrete_fields) - 1  # the id is the database's
    monkeypatch.setattr(values_insert, "_MAX_PARAMETERS", columns * 2)
    rows = [_decision(sc, learner, result={"n": n}) for n, learner in enumerate(sc.learners)]
    with CaptureQueriesContext(connection) as queries:
        keys = insert_values(rows)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 3  # 2 + 2 + 1
    assert keys == [row.pk for row in rows]
    assert [Decision.objects.get(pk=k).result["n"] for k in keys] == [0, 1, 2, 3, 4]


def test_nothing_to_insert_sends_nothing(sc):
    with CaptureQueriesContext(connection) as queries:
        assert insert_values([]) == []
    assert len(queries) == 0


@pytest.mark.postgres
def test_on_postgresql_the_values_are_bound_on_the_server(sc):
    import psycopg

    bound = {}

    def record(execute, sql, params, many, context):
        bound[sql.split()[0]] = type(context["cursor"].cursor)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        insert_values([_decision(sc, sc.learners[0])])
    # Only a ClientCursor writes the values into the statement's text.
    assert not issubclass(bound["INSERT"], psycopg.ClientCursor)


@pytest.mark.postgres
def test_on_postgresql_the_statement_is_sent_with_numbered_placeholders_unparsed(sc):
    import psycopg

    seen = []

    def record(execute, sql, params, many, context):
        seen.append((sql, type(context["cursor"].cursor)))
        return execute(sql, params, many, context)

    rows = [_decision(sc, learner, result={"n": n}) for n, learner in enumerate(sc.learners)]
    with connection.execute_wrapper(record):
        keys = insert_values(rows)
    [(sql, cursor)] = seen
    width = len(Decision._meta.concrete_fields) - 1  # the id is the database's
    # psycopg's raw cursor sends `$n` as written: no split of the statement in Python.
    assert issubclass(cursor, psycopg.RawCursor) and "%s" not in sql
    assert f"${5 * width}" in sql and f"${5 * width + 1}" not in sql
    assert [Decision.objects.get(pk=k).result["n"] for k in keys] == [0, 1, 2, 3, 4]
    # Outside insert_values the connection's cursors are Django's usual ones again.
    with connection.cursor() as cursor:
        assert not isinstance(cursor.cursor, psycopg.RawCursor)
