"""Mirror the LMS's line items of a course: upsert what is listed, flag what vanished."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import Course, LineItem

_FIELDS = ("label", "score_maximum", "resource_id", "tag", "resource_link_id")


def line_item_fields(item: dict) -> dict:
    """The fields we keep of an AGS line item (its id is its URL, kept exactly)."""
    try:
        maximum = float(item.get("scoreMaximum") or 0) or 100.0
    except (TypeError, ValueError):
        maximum = 100.0
    return {
        "label": str(item.get("label") or "")[:500],
        "score_maximum": maximum,
        "resource_id": str(item.get("resourceId") or "")[:255],
        "tag": str(item.get("tag") or "")[:255],
        "resource_link_id": str(item.get("resourceLinkId") or "")[:255],
    }


def upsert_line_item(*, course: Course, item: dict, created_by_tool: bool = False) -> LineItem:
    fields = line_item_fields(item)
    now = timezone.now()
    line_item, created = LineItem.objects.get_or_create(
        course=course,
        url=item["id"],
        defaults={
            **fields,
            "created_by_tool": created_by_tool,
            "last_seen_at": now,
        },
    )
    if not created:
        stale = any(getattr(line_item, f) != v for f, v in fields.items())
        if stale or line_item.deleted_in_lms or created_by_tool and not line_item.created_by_tool:
            for f, v in fields.items():
                setattr(line_item, f, v)
            line_item.deleted_in_lms = False
            line_item.created_by_tool = line_item.created_by_tool or created_by_tool
            line_item.last_seen_at = now
            line_item.save()
    return line_item


@transaction.atomic
def store_line_items(*, course: Course, items: list[dict]) -> list[LineItem]:
    """All line items the LMS lists for the course; those no longer listed are flagged
    `deleted_in_lms` (never deleted here: their results are evidence).

    Pass a list, fetched before: no HTTP (nor token caching) inside this transaction.
    """
    stored = [upsert_line_item(course=course, item=item) for item in items]
    seen = {li.pk for li in stored}
    LineItem.objects.filter(course=course, deleted_in_lms=False).exclude(pk__in=seen).update(
        deleted_in_lms=True
    )
    return stored
