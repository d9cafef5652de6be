"""`insert_rows_if_absent` on whichever database runs the tests (SQLite by default,
PostgreSQL with DATABASE_URL, where it writes with one array a column): rows breaking a
unique constraint are skipped, and only the inserted rows' asked columns come back."""

from __future__ import annotations

import pytest
from django.utils import timezone

from assessments.bulk_write import insert_rows_if_absent
from assessments.models import Learner
from assessments.roster import LEARNER_ROW
from tests.awarding.factories import make_course

pytestmark = pytest.mark.django_db


def _row(platform_id: int, sub: str, name: str) -> tuple:
    return (platform_id, sub, name, "", "", "", "", timezone.now())


def test_conflicting_rows_are_skipped_and_only_inserted_ones_returned():
    course = make_course()
    kept = Learner.objects.create(platform=course.platform, sub="b", name="Kept")
    rows = [
        _row(course.platform_id, "a", "Ann"),
        _row(course.platform_id, "b", "Not written"),
        _row(course.platform_id, "c", "Cy"),
    ]
    inserted = dict(
        insert_rows_if_absent(model=Learner, fields=LEARNER_ROW, rows=rows, returning=("sub", "id"))
    )
    stored = dict(Learner.objects.filter(platform=course.platform).values_list("sub", "id"))
    assert inserted == {"a": stored["a"], "c": stored["c"]}
    assert Learner.objects.get(pk=kept.pk).name == "Kept"
    assert Learner.objects.get(sub="a", platform=course.platform).name == "Ann"


def test_without_returning_nothing_comes_back_and_rows_are_written():
    course = make_course()
    rows = [_row(course.platform_id, "d", "Di")]
    assert insert_rows_if_absent(model=Learner, fields=LEARNER_ROW, rows=rows) == []
    assert insert_rows_if_absent(model=Learner, fields=LEARNER_ROW, rows=rows) == []
    assert Learner.objects.filter(platform=course.platform, sub="d").count() == 1
