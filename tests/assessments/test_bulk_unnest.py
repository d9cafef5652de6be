"""Rows written with one array per column (PostgreSQL): what is written is what was given,
rows that break a unique constraint are skipped, and only the inserted rows are returned."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.bulk_unnest import insert_absent_returning
from assessments.models import Enrolment, Learner, LineItem, Result, ResultRevision
from assessments.results_store import store_results_page
from assessments.roster import LEARNER_ROW, store_roster_page
from tests.awarding.factories import make_course

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


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
            connection, model=Learner, fields=LEARNER_ROW, rows=rows, returning=("sub", "id")
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


def _results(n: int, *, bump: set[int] = frozenset()) -> list[dict]:
    return [
        {
            "userId": f"s{i}",
            "resultScore": 11 if i in bump else i % 11,
            "resultMaximum": 10,
            "comment": 'Well done, "really"' if i % 2 else "",
            "timestamp": f"2026-11-25T22:{i % 60:02d}:17+00:00",
        }
        for i in range(n)
    ]


def _statements(queries) -> list[str]:
    return [
        q["sql"].split()[0] for q in queries if q["sql"].split()[0] in ("SELECT", "INSERT", "WITH")
    ]


def test_a_chunk_of_results_is_one_read_and_one_write_with_its_revisions():
    course = make_course()
    line_item = LineItem.objects.create(course=course, url="https://lms.example.edu/li/1")
    with CaptureQueriesContext(connection) as queries:
        outcome = store_results_page(
            line_item=line_item, platform_id=course.platform_id, page=_results(300)
        )
    assert outcome.new == 300
    # The learners' ids and stored results read, the learners unknown to the roster created
    # (read again first: another process may have), then the results and revisions written.
    assert _statements(queries) == ["SELECT", "SELECT", "INSERT", "WITH"]
    with CaptureQueriesContext(connection) as queries:
        outcome = store_results_page(
            line_item=line_item, platform_id=course.platform_id, page=_results(300, bump={3, 8})
        )
    assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 2, 298)
    assert _statements(queries) == ["SELECT", "WITH"]
    for result in Result.objects.filter(line_item=line_item):
        revisions = list(ResultRevision.objects.filter(result=result).order_by("number"))
        assert [r.number for r in revisions] == list(range(1, result.revision + 1))
        last = revisions[-1]
        assert (last.score, last.maximum, last.comment, last.lms_timestamp) == (
            result.score,
            result.maximum,
            result.comment,
            result.lms_timestamp,
        )
        assert (last.raw, last.content_hash, last.recorded_at) == (
            result.raw,
            result.content_hash,
            result.fetched_at,
        )
        i = int(result.raw["userId"][1:])
        assert result.raw == _results(300, bump={3, 8})[i]
        assert result.revision == (2 if i in (3, 8) else 1)
        assert result.score == (11 if i in (3, 8) else i % 11)
