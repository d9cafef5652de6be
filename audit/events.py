"""record_event / record_events: append events to the audit chain."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.values_insert import insert_values

from .chain import event_hash
from .event_kinds import EVENT_KINDS, UnknownEventKind
from .models import AuditChainHead, AuditEvent

MAX_FIELD = {"actor": 300, "action": 100, "object_type": 100, "object_id": 255}


@dataclass(frozen=True)
class EventInput:
    """One event to append (the fields `record_event` takes), checked when it is made."""

    actor: str
    action: str
    object_type: str
    object_id: str
    before: dict | None = None
    after: dict | None = None
    platform_id: int | None = None

    def __post_init__(self) -> None:
        for name, limit in MAX_FIELD.items():
            value = str(getattr(self, name))
            object.__setattr__(self, name, value)
            if not value:
                raise ValueError(f"audit event needs a {name}")
            if len(value) > limit:
                raise ValueError(f"audit event {name} is longer than {limit} characters")
        if self.action not in EVENT_KINDS:
            raise UnknownEventKind(
                f"audit event kind {self.action!r} is not registered: add it, with the"
                " sentence people read for it, to audit.event_kinds.EVENT_SENTENCES"
            )
        # Store exactly what is hashed: dates, decimals and UUIDs become their JSON strings
        # now, so the stored JSON re-hashes to the same value when the chain is verified.
        object.__setattr__(self, "before", _plain(self.before))
        object.__setattr__(self, "after", _plain(self.after))


def _plain(value: dict | None) -> Any:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError("before/after must be a dict or None")
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def record_event(
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: dict | None = None,
    after: dict | None = None,
    platform_id: int | None = None,
) -> AuditEvent:
    """Append an event. Runs in (or joins) a transaction: it is kept only if the change is."""
    event = EventInput(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        platform_id=platform_id,
    )
    return record_events([event])[0]


def record_events(events: Sequence[EventInput]) -> list[AuditEvent]:
    """Append events in order with one hold of the chain head (ADR 0030, 0070).

    Runs in (or joins) the caller's transaction like `record_event`. The head row stays
    locked from here to the caller's COMMIT, so a caller that changes many things in one
    transaction appends all their events at its end with one call: the lock is then held
    for one insert and the commit, not for the rest of the caller's work.
    """
    if not events:
        return []
    with transaction.atomic():
        AuditChainHead.objects.get_or_create(pk=1)
        # Writing the head row first takes its lock (a row lock on PostgreSQL, the write
        # lock on SQLite) before we read it, so two writers can never share a prev_hash.
        AuditChainHead.objects.filter(pk=1).update(seq=F("seq") + len(events))
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        seq, prev_hash = head.seq - len(events), head.hash
        rows = []
        for event in events:
            seq += 1
            # One set of values is both hashed and stored: the chain re-verifies from rows.
            chained: dict[str, Any] = {
                "actor": event.actor,
                "action": event.action,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "seq": seq,
                "at": timezone.now().astimezone(UTC),
                "before": event.before,
                "after": event.after,
                "platform_id": event.platform_id,
                "prev_hash": prev_hash,
            }
            prev_hash = event_hash(**chained)
            rows.append(AuditEvent(**chained, hash=prev_hash))
        # One VALUES statement bound on the server, PostgreSQL's own placeholders: a third
        # less than bulk_create's arrays for a batch's hundred events (ADR 0101).
        insert_values(rows)
        AuditChainHead.objects.filter(pk=1).update(hash=prev_hash)
    return rows
