"""config.server_binding: inside the block PostgreSQL binds the parameters; outside, and
after the block whatever it raised, Django's client-side binding is back."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection

from config.server_binding import server_side_binding

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _bound_on_the_server() -> bool:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        # Both bind %s; only a ClientCursor writes the values into the statement's text.
        return not isinstance(raw, psycopg.ClientCursor)


def test_cursors_in_the_block_bind_on_the_server_and_outside_do_not():
    assert not _bound_on_the_server()
    with server_side_binding():
        assert _bound_on_the_server()
        with connection.cursor() as cursor:
            # Quotes, backslashes and a statement's end, compared with themselves: intact.
            text = 'it\'s \\ "quoted" ; DROP TABLE x; --' * 200
            cursor.execute("SELECT %s::text = %s", [text, text])
            assert cursor.fetchone() == (True,)
    assert not _bound_on_the_server()


def test_the_block_restores_client_binding_when_it_raises():
    with pytest.raises(ValueError), server_side_binding():
        raise ValueError("boom")
    assert not _bound_on_the_server()


def test_why_it_is_not_the_default_two_statements_need_client_binding():
    """lti_tool.prepared_reads sends several reads as one text (ADR 0083)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s; SELECT %s", [1, 2])
    with (
        pytest.raises(Exception, match="multiple commands|cannot insert multiple"),
        server_side_binding(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT %s; SELECT %s", [1, 2])
