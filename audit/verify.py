"""Walk the audit chain and report the first event that does not fit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from .chain import GENESIS_HASH, event_hash
from .models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""


def verify_chain(*, batch_size: int = 2000) -> ChainReport:
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    qs = AuditEvent.objects.order_by("seq")
    for event in qs.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainReport(
                False, checked, event.seq, event.pk, f"event #{expected_seq} is missing"
            )
        if event.prev_hash != expected_prev:
            return ChainReport(
                False, checked, event.seq, event.pk, "prev_hash does not match the event before"
            )
        digest = event_hash(
            seq=event.seq,
            at=event.at.astimezone(UTC),
            actor=event.actor,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            before=event.before,
            after=event.after,
            platform_id=event.platform_id,
            prev_hash=event.prev_hash,
        )
        if digest != event.hash:
            return ChainReport(
                False, checked, event.seq, event.pk, "content does not match its hash"
            )
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return ChainReport(
            False,
            checked,
            checked + 1,
            None,
            f"the chain head names event #{head.seq}; the last event present is #{checked}",
        )
    return ChainReport(True, checked)
