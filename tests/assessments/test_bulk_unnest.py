"""Rows written with one array per column (PostgreSQL): what is written is what was given,
rows that break a unique constraint are skipped, and only the inserted rows are returned."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.bulk_unnest import insert_absent_returning
from assessments.models import Enrolment, Learner
from assessments.roster import store_roster_page
from tests.awarding.factories import make_course

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

_FIELDS = (
    "platform",
    "sub",
    "name",
    "given_name",
    "family_name",
    "email",
    "lis_person_sourcedid",
    "updated_at",
)


def test_rows_are_written_as_given_and_conflicts_skipped_and_not_returned():
    course = make_course()
    now = timezone.now()
    kept = Learner.objects.create(platform=course.platform, sub="b", name="Kept")
    rows = [
        (course.platform_id, "a", 'Ann, "A" {x}', "Ann", "", "", "S1", now),
        (course.platform_id, "b", "Not written", "", "", "b@x.edu", "", now),
        (course.platform_id, "c", "", "", "", "c@x.edu", "", now),
    ]
    with CaptureQueriesContext(connection) as queries:
        inserted = insert_absent_returning(
            connection, model=Learner, fields=_FIELDS, rows=rows, returning=("sub", "id")
        )
    assert len(queries) == 1
    assert sorted(sub for sub, _ in inserted) == ["a", "c"]
    stored = {
        row[0]: row[1:]
        for row in Learner.objects.filter(platform=course.platform).values_list(
            "sub", "id", "name", "email", "updated_at"
        )
    }
    assert stored["a"][1:] == ('Ann, "A" {x}', "", now)
    assert stored["c"][1:] == ("", "c@x.edu", now)
    assert stored["b"][:2] == (kept.pk, "Kept")
    assert dict(inserted) == {"a": stored["a"][0], "c": stored["c"][0]}


@pytest.mark.parametrize("size", [1, 3])
def test_json_columns_and_columns_equal_on_every_row(size):
    course = make_course()
    people = [Learner.objects.create(platform=course.platform, sub=f"s{i}") for i in range(size)]
    now = timezone.now()
    roles = [["urn:a"], [], ["urn:b", "urn:c"]]
    rows = [(course.pk, p.pk, roles[i], i % 2 == 0, now) for i, p in enumerate(people)]
    insert_absent_returning(
        connection,
        model=Enrolment,
        fields=("course", "learner", "roles", "active", "updated_at"),
        rows=rows,
    )
    stored = sorted(
        Enrolment.objects.filter(course=course).values_list("learner_id", "roles", "active")
    )
    assert stored == sorted((p.pk, roles[i], i % 2 == 0) for i, p in enumerate(people))


def test_a_roster_page_is_stored_then_found_unchanged():
    course = make_course()
    members = [
        {
            "user_id": f"u{i}",
            "name": f"Learner {i}",
            "email": f"l{i}@example.edu",
            "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            "active": True,
        }
        for i in range(300)
    ]
    seen = store_roster_page(course=course, members=members)
    assert len(seen) == 300
    assert Enrolment.objects.filter(course=course, active=True).count() == 300
    with CaptureQueriesContext(connection) as queries:
        assert store_roster_page(course=course, members=members) == seen
    # Two reads (people, enrolments), no write, however many members.
    assert [
        q["sql"].split()[0]
        for q in queries
        if q["sql"].split()[0] in ("SELECT", "INSERT", "UPDATE")
    ] == ["SELECT", "SELECT"]
