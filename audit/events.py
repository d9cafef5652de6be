"""record_event: append one event to the audit chain."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .chain import event_hash
from .event_kinds import EVENT_KINDS, UnknownEventKind
from .models import AuditChainHead, AuditEvent

MAX_FIELD = {"actor": 300, "action": 100, "object_type": 100, "object_id": 255}


def _plain(value: dict | None) -> Any:
    # Store exactly what is hashed: dates, decimals and UUIDs become their JSON strings now,
    # so the stored JSON re-hashes to the same value when the chain is verified.
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
    fields = {
        "actor": str(actor),
        "action": str(action),
        "object_type": str(object_type),
        "object_id": str(object_id),
    }
    for name, limit in MAX_FIELD.items():
        if not fields[name]:
            raise ValueError(f"audit event needs a {name}")
        if len(fields[name]) > limit:
            raise ValueError(f"audit event {name} is longer than {limit} characters")
    if fields["action"] not in EVENT_KINDS:
        raise UnknownEventKind(
            f"audit event kind {fields['action']!r} is not registered: add it, with the"
            " sentence people read for it, to audit.event_kinds.EVENT_SENTENCES"
        )
    before_plain, after_plain = _plain(before), _plain(after)
    with transaction.atomic():
        AuditChainHead.objects.get_or_create(pk=1)
        # Writing the head row first takes its lock (a row lock on PostgreSQL, the write
        # lock on SQLite) before we read it, so two writers can never share a prev_hash.
        AuditChainHead.objects.filter(pk=1).update(seq=F("seq") + 1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        # One set of values is both hashed and stored, so the chain re-verifies from the rows.
        chained = {
            **fields,
            "seq": head.seq,
            "at": timezone.now().astimezone(UTC),
            "before": before_plain,
            "after": after_plain,
            "platform_id": platform_id,
            "prev_hash": head.hash,
        }
        digest = event_hash(**chained)
        event = AuditEvent(**chained, hash=digest)
        event.save()
        AuditChainHead.objects.filter(pk=1).update(hash=digest)
    return event
