import threading
from datetime import UTC

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from audit.chain import GENESIS_HASH
from audit.events import record_event
from audit.models import AppendOnlyError, AuditEvent
from audit.verify import verify_chain


def _record(n: int = 3) -> list[AuditEvent]:
    return [
        record_event(
            actor=f"user:{i}",
            action="rubric.created",
            object_type="rubric",
            object_id=str(i),
            before=None,
            after={"title": f"R{i}", "weight": 1.5, "nested": {"b": 1, "a": [1, 2]}},
            platform_id=7,
        )
        for i in range(n)
    ]


@pytest.mark.django_db
def test_events_are_chained_in_order():
    events = _record(3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert len({e.hash for e in events}) == 3
    report = verify_chain()
    assert report.ok and report.checked == 3


@pytest.mark.django_db
def test_dates_and_uuids_are_stored_as_hashed():
    import uuid
    from datetime import datetime

    record_event(
        actor="a",
        action="rubric.created",
        object_type="t",
        object_id="1",
        after={"when": datetime(2026, 1, 1, tzinfo=UTC), "id": uuid.UUID(int=5)},
    )
    assert verify_chain().ok
    assert AuditEvent.objects.get().after["id"] == str(uuid.UUID(int=5))


@pytest.mark.django_db
def test_orm_refuses_updates_and_deletes():
    event = _record(1)[0]
    event.actor = "mallory"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(actor="mallory")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).actor == "user:0"


@pytest.mark.django_db
def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="actor"):
        record_event(actor="", action="rubric.created", object_type="t", object_id="1")
    with pytest.raises(TypeError):
        record_event(actor="a", action="rubric.created", object_type="t", object_id="1", after=[1])
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_command_reports_intact_chain(capsys):
    _record(4)
    call_command("verify_audit_chain")
    assert "4 events" in capsys.readouterr().out


def _raw(sql: str, params: list) -> None:
    """Tamper as someone with database rights would (on PostgreSQL: trigger disabled first)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_append_only")
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_append_only")


@pytest.mark.django_db
def test_tampered_content_is_named():
    events = _record(4)
    _raw(
        "UPDATE audit_auditevent SET after = %s WHERE id = %s",
        ['{"title": "forged"}', events[2].pk],
    )
    with pytest.raises(CommandError, match=r"event #3 .*content does not match"):
        call_command("verify_audit_chain")


@pytest.mark.django_db
def test_rehashed_forgery_breaks_the_next_link():
    events = _record(4)
    _raw("UPDATE audit_auditevent SET hash = %s WHERE id = %s", ["f" * 64, events[1].pk])
    report = verify_chain()
    assert not report.ok and report.broken_seq == 2


@pytest.mark.django_db
def test_deleted_event_is_detected():
    events = _record(4)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=r"event #3 .*#2 is missing"):
        call_command("verify_audit_chain")


@pytest.mark.django_db
def test_truncated_tail_is_detected():
    events = _record(3)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    report = verify_chain()
    assert not report.ok and report.broken_seq == 3


@pytest.mark.django_db
def test_event_rolls_back_with_its_transaction():
    from django.db import transaction

    _record(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(actor="a", action="rubric.created", object_type="t", object_id="1")
        raise RuntimeError
    assert AuditEvent.objects.count() == 1
    assert verify_chain().ok
    assert record_event(actor="a", action="rubric.created", object_type="t", object_id="2").seq == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                record_event(
                    actor=f"w{n}", action="rubric.created", object_type="t", object_id=str(i)
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.objects.count() == 90
    report = verify_chain()
    assert report.ok and report.checked == 90


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_refuses_raw_updates_and_deletes():
    from django.db import DatabaseError, transaction

    event = _record(1)[0]
    for sql in (
        "UPDATE audit_auditevent SET actor = 'mallory' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).actor == "user:0"
