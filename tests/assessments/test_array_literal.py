"""A column's values as one array literal: PostgreSQL reads back exactly the values given,
the same as when psycopg quotes the list itself; kinds it cannot spell exactly are left to
psycopg."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.array_literal import array_literal

# PostgreSQL text holds no NUL; everything else, quotes, braces, commas, backslashes,
# blanks and the word NULL included, must come back as it went.
texts = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)))
aware = st.datetimes(
    min_value=datetime(1900, 1, 1),
    max_value=datetime(2200, 1, 1),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-9, minutes=-30))]
    ),
)
floats = st.floats(allow_nan=False, width=64)
columns = st.one_of(
    st.tuples(st.just("bigint"), st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1)),
    st.tuples(st.just("double precision"), st.lists(floats, min_size=1)),
    st.tuples(st.just("boolean"), st.lists(st.booleans(), min_size=1)),
    st.tuples(st.just("text"), st.lists(texts, min_size=1)),
    st.tuples(st.just("timestamptz"), st.lists(aware, min_size=1)),
)


def _read_back(sql_type: str, param) -> list:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT %s::{sql_type}[]", [param])
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db
@settings(max_examples=150, deadline=None)
@given(columns)
def test_postgresql_reads_back_the_values_given_as_psycopg_would_send_them(column):
    sql_type, values = column
    literal = array_literal(values)
    assert literal is not None
    assert _read_back(sql_type, literal) == _read_back(sql_type, values) == values


@pytest.mark.postgres
@pytest.mark.django_db
def test_special_floats_and_awkward_texts_round_trip():
    specials = [math.inf, -math.inf, -0.0, 1e-310, 1.7976931348623157e308]
    assert _read_back("double precision", array_literal(specials)) == specials
    assert math.isnan(_read_back("double precision", array_literal([math.nan]))[0])
    awkward = ["", "NULL", " x ", '"', "\\", "a,b", "{}", "é\u2028", "'; --"]
    assert _read_back("text", array_literal(awkward)) == awkward


def test_what_it_cannot_spell_exactly_is_left_to_psycopg():
    now = datetime.now(UTC)
    assert array_literal([1, None]) is None  # SQL NULL
    assert array_literal([1, 2.0]) is None  # mixed kinds
    assert array_literal([True, 1]) is None  # a bool is not an int here
    assert array_literal(["a\x00b", "c"]) is None  # NUL: psycopg refuses it, as before
    assert array_literal([now.replace(tzinfo=None)]) is None  # naive: Django converts it
    assert array_literal([b"bytes"]) is None
    assert array_literal([]) == "{}"
    assert array_literal(["a", 'b"c']) == '{"a","b\\"c"}'
