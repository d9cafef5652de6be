"""The course's line items as the LMS lists them, checked before anything is taken as gone.

`store_line_items` flags every stored column the listing no longer names as deleted in the
LMS. A listing is not proof on its own (a page lost to a paging mishap, an LMS listing only
part of its columns): a stored column the listing omits is asked for by its own URL, and
only a 404 there confirms it is gone. One that still answers is kept (with its current
fields) and reported as a warning.
"""

from __future__ import annotations

from lti_tool.services.ags import AGSClient, line_item_key
from lti_tool.services.errors import NotFound

from .models import Course, LineItem


def list_line_items(*, ags: AGSClient, course: Course) -> tuple[list[dict], list[str]]:
    """The items to store (listed ones, plus omitted ones that still answer) and warnings."""
    items = list(ags.iter_line_items())
    listed = {line_item_key(str(item["id"])) for item in items}
    warnings: list[str] = []
    for line_item in LineItem.objects.filter(course=course, deleted_in_lms=False):
        if line_item_key(line_item.url) in listed:
            continue
        try:
            item = ags.get_line_item(url=line_item.url)
        except NotFound:
            continue  # gone: not listed, and its own URL answers 404
        items.append({**item, "id": line_item.url})
        warnings.append(
            f"“{line_item}”: the LMS's list of columns no longer names it, yet the column "
            "still answers; it was kept and synced. Check it in the LMS."
        )
    return items, warnings
