"""config.values_insert: one INSERT … VALUES for a list of rows, on SQLite and PostgreSQL
alike; keys set in order, skipped rows told apart, long lists split under PostgreSQL's
parameter limit, and on PostgreSQL no array built from the values (ADR 0095)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awarding.models import Award, Decision
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


def test_skipped_rows_keep_no_key_and_the_stored_ones_are_matched_by_their_unique_value(sc):
    decisions = [_decision(sc, learner) for learner in sc.learners[:3]]
    insert_values(decisions)
    taken = Award.objects.create(
        rule=sc.rule,
        course=sc.course,
        achievement=sc.achievement,
        learner=sc.learners[1],
        decision=decisions[1],
    )
    rows = [
        Award(
            rule=sc.rule,
            course=sc.course,
            achievement=sc.achievement,
            learner=d.learner,
            decision=d,
        )
        for d in reversed(decisions)  # not in the id order the database will give
    ]
    keys = insert_values(rows, skip_conflicts=True, match_on="uuid")
    skipped = next(row for row in rows if row.learner_id == sc.learners[1].pk)
    assert skipped.pk is None and skipped._state.adding
    assert Award.objects.get(pk=taken.pk).uuid == taken.uuid
    for row in rows:
        if row is not skipped:
            assert Award.objects.get(pk=row.pk).uuid == row.uuid
            assert not row._state.adding
    assert sorted(keys) == sorted(row.pk for row in rows if row is not skipped)


def test_an_auto_key_with_skipped_rows_needs_a_value_to_match_on(sc):
    with pytest.raises(ValueError, match="match_on"):
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
