"""The audit log as QA sees it: events of their platforms, filtered; CSV rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AuditEvent

CSV_HEADER = [
    "seq",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "platform_id",
    "before",
    "after",
    "prev_hash",
    "hash",
]


def visible_events(*, platform_ids: frozenset[int], include_global: bool) -> QuerySet:
    scope = Q(platform_id__in=platform_ids)
    if include_global:
        scope |= Q(platform_id__isnull=True)
    return AuditEvent.objects.filter(scope)


def filter_events(qs: QuerySet, data: dict) -> QuerySet:
    if data.get("actor"):
        qs = qs.filter(actor__icontains=data["actor"])
    if data.get("action"):
        qs = qs.filter(action__icontains=data["action"])
    if data.get("object_type"):
        qs = qs.filter(object_type=data["object_type"])
    if data.get("object_id"):
        qs = qs.filter(object_id=data["object_id"])
    tz = timezone.get_current_timezone()
    if data.get("since"):
        qs = qs.filter(at__gte=datetime.combine(data["since"], time.min, tzinfo=tz))
    if data.get("until"):
        qs = qs.filter(at__lte=datetime.combine(data["until"], time.max, tzinfo=tz))
    return qs


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet would run a cell starting with = + - @ as a formula (CSV injection).
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def csv_rows(qs: QuerySet) -> Iterator[list[str]]:
    yield CSV_HEADER
    for e in qs.order_by("seq").iterator(chunk_size=2000):
        yield [
            _cell(v)
            for v in (
                e.seq,
                e.at.isoformat(),
                e.actor,
                e.action,
                e.object_type,
                e.object_id,
                e.platform_id,
                json.dumps(e.before, sort_keys=True) if e.before is not None else "",
                json.dumps(e.after, sort_keys=True) if e.after is not None else "",
                e.prev_hash,
                e.hash,
            )
        ]
