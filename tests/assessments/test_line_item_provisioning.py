"""ensure_line_items: idempotent, updates in place, recreates a column the LMS lost."""

import pytest

from assessments.line_item_provisioning import LineItemSpec, ensure_line_items
from assessments.models import CourseNotice, LineItem

SPECS = [
    LineItemSpec(
        label="Criterion A", score_maximum=4, tag="credbridge:criterion:a", resource_id="a"
    ),
    LineItemSpec(label="Credential", score_maximum=100, tag="credbridge:credential"),
]


def test_twice_creates_nothing_new(env):
    lms, platform, course = env
    first = ensure_line_items(course=course, specs=SPECS)
    assert [li.label for li in first] == ["Criterion A", "Credential"]
    assert all(li.created_by_tool for li in first)
    assert len(lms.line_items) == 2
    second = ensure_line_items(course=course, specs=SPECS)
    assert [li.pk for li in second] == [li.pk for li in first]
    assert len(lms.line_items) == 2
    assert lms.count("line") and not any(m == "PUT" for m, _ in lms.requests)


def test_changed_spec_updates_the_column(env):
    lms, platform, course = env
    ensure_line_items(course=course, specs=SPECS)
    (item,) = ensure_line_items(
        course=course,
        specs=[
            LineItemSpec(
                label="Criterion A (v2)",
                score_maximum=5,
                tag="credbridge:criterion:a",
                resource_id="a",
            )
        ],
    )
    assert item.label == "Criterion A (v2)" and item.score_maximum == 5
    assert any(li["label"] == "Criterion A (v2)" for li in lms.line_items.values())
    assert LineItem.objects.filter(course=course).count() == 2


def test_column_deleted_in_lms_is_recreated_and_instructor_told(env):
    lms, platform, course = env
    first = ensure_line_items(course=course, specs=SPECS)
    lms.line_items.pop(1)  # someone deleted "Criterion A" in the gradebook
    again = ensure_line_items(course=course, specs=SPECS)
    assert again[0].pk != first[0].pk and again[0].url != first[0].url
    old = LineItem.objects.get(pk=first[0].pk)
    assert old.deleted_in_lms  # kept, with any evidence it had
    notice = CourseNotice.objects.get(course=course)
    assert notice.kind == "line_item_recreated" and "Criterion A" in notice.message
    ensure_line_items(course=course, specs=SPECS)
    assert CourseNotice.objects.count() == 1


def test_bad_specs_are_refused():
    with pytest.raises(ValueError):
        LineItemSpec(label="", score_maximum=4)
    with pytest.raises(ValueError):
        LineItemSpec(label="x", score_maximum=0)
