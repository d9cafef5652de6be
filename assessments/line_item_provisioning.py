"""Line items owned by Credbridge, created and updated from a specification, idempotently.

A spec is matched to what the LMS lists by (tag, resourceId) — or by label when both are
empty. Running `ensure_line_items` twice creates nothing new. A column Credbridge made
that the LMS no longer lists (someone deleted it) is created again, and the instructor is
told through a CourseNotice.
"""

from __future__ import annotations

from dataclasses import dataclass

from lti_tool.services.ags import AGSClient

from .line_item_fetch import list_line_items
from .line_item_mirror import store_line_items, upsert_line_item
from .models import Course, CourseNotice, LineItem


@dataclass(frozen=True)
class LineItemSpec:
    label: str
    score_maximum: float
    tag: str = ""
    resource_id: str = ""
    resource_link_id: str = ""

    def __post_init__(self) -> None:
        if not self.label.strip():
            raise ValueError("a line item needs a label")
        if not self.score_maximum or self.score_maximum <= 0:
            raise ValueError("a line item needs a positive scoreMaximum")

    def key(self) -> tuple[str, str, str]:
        if self.tag or self.resource_id:
            return ("", self.tag, self.resource_id)
        return (self.label, "", "")


def _key_of(line_item: LineItem) -> tuple[str, str, str]:
    if line_item.tag or line_item.resource_id:
        return ("", line_item.tag, line_item.resource_id)
    return (line_item.label, "", "")


def ensure_line_items(*, course: Course, specs: list[LineItemSpec]) -> list[LineItem]:
    """One live LineItem per spec, in the order of `specs` (created or updated in the LMS)."""
    if not course.lineitems_url:
        raise ValueError("the course has no AGS line items URL yet (launch the tool from it)")
    ags = AGSClient(
        platform=course.platform,
        lineitems_url=course.lineitems_url,
        granted_scopes=list(course.ags_scopes or []),
    )
    # A column is taken for deleted only when its own URL confirms it (line_item_fetch).
    items, _ = list_line_items(ags=ags, course=course)
    listed = {_key_of(li): li for li in store_line_items(course=course, items=items)}
    result: list[LineItem] = []
    for spec in specs:
        current = listed.get(spec.key())
        if current is not None:
            if current.label != spec.label or current.score_maximum != float(spec.score_maximum):
                item = ags.update_line_item(
                    url=current.url,
                    data={
                        "label": spec.label,
                        "scoreMaximum": spec.score_maximum,
                        "tag": spec.tag,
                        "resourceId": spec.resource_id,
                        **(
                            {"resourceLinkId": spec.resource_link_id}
                            if spec.resource_link_id
                            else {}
                        ),
                    },
                )
                current = upsert_line_item(course=course, item=item)
            result.append(current)
            continue
        vanished = (
            LineItem.objects.filter(course=course, created_by_tool=True, deleted_in_lms=True)
            .filter(tag=spec.tag, resource_id=spec.resource_id)
            .filter(**({} if spec.tag or spec.resource_id else {"label": spec.label}))
            .exists()
        )
        item = ags.create_line_item(
            label=spec.label,
            score_maximum=spec.score_maximum,
            tag=spec.tag,
            resource_id=spec.resource_id,
            resource_link_id=spec.resource_link_id,
        )
        line_item = upsert_line_item(course=course, item=item, created_by_tool=True)
        listed[spec.key()] = line_item
        if vanished:
            CourseNotice.objects.create(
                course=course,
                kind="line_item_recreated",
                message=(
                    f"The gradebook column “{spec.label}” was deleted in the LMS; Credbridge "
                    "created it again. Grades entered in the deleted column must be entered again."
                ),
            )
        result.append(line_item)
    return result
