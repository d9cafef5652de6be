"""Storing one page of AGS results: what a page costs, and what it writes (no HTTP needed)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import LineItem, Result, ResultRevision
from assessments.result_content import content_hash
from assessments.results_store import learners_written_since, store_results_page
from lti_tool.services.ags_stream import ResultStream
from lti_tool.services.errors import MalformedResponse
from tests.awarding.factories import make_course

pytestmark = pytest.mark.django_db


def _page(n: int, *, score=lambda i: i % 11, comment="") -> list[dict]:
    return [
        {
            "id": f"https://lms.example.edu/li/1/results/{i}",
            "userId": f"s{i}",
            "resultScore": score(i),
            "resultMaximum": 10,
            "timestamp": "2026-11-25T22:23:17+00:00",
            **({"comment": comment} if comment else {}),
        }
        for i in range(n)
    ]


@pytest.fixture
def line_item():
    course = make_course()
    return LineItem.objects.create(course=course, url="https://lms.example.edu/li/1", label="A")


def _store(line_item, page):
    return store_results_page(
        line_item=line_item, platform_id=line_item.course.platform_id, page=page
    )


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "COPY"))
    ]


@pytest.mark.parametrize("size", [20, 300])
def test_an_unchanged_page_costs_one_read_and_no_write_whatever_its_size(line_item, size):
    page = _page(size)
    assert _store(line_item, page).new == size
    with CaptureQueriesContext(connection) as ctx:
        outcome = _store(line_item, page)
    assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 0, size)
    assert list(learners_written_since(line_item_ids=[line_item.pk], since=outcome.at)) == []
    reads = [q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    assert len(reads) == 1 and _writes(ctx.captured_queries) == []


def test_changed_and_new_results_in_one_page_are_revised_and_inserted(line_item):
    _store(line_item, _page(5))
    first = dict(Result.objects.values_list("learner__sub", "id"))
    page = _page(7, score=lambda i: 9.5 if i in (1, 3) else i % 11)  # s1, s3 changed; s5, s6 new
    outcome = _store(line_item, page)
    assert (outcome.new, outcome.changed, outcome.unchanged) == (2, 2, 3)
    rows = {r.learner.sub: r for r in Result.objects.select_related("learner")}
    assert {sub: r.revision for sub, r in rows.items()} == {
        "s0": 1, "s1": 2, "s2": 1, "s3": 2, "s4": 1, "s5": 1, "s6": 1
    }  # fmt: skip
    assert rows["s1"].id == first["s1"] and rows["s1"].score == 9.5
    assert rows["s1"].raw["resultScore"] == 9.5 and rows["s1"].lms_timestamp is not None
    assert list(learners_written_since(line_item_ids=[line_item.pk], since=outcome.at)) == [
        sorted(rows[s].learner_id for s in ("s1", "s3", "s5", "s6"))
    ]
    # The old content stays as revision 1; the new one is revision 2, with the same hash as
    # the result row.
    history = ResultRevision.objects.filter(result=rows["s3"]).order_by("number")
    assert [(h.number, h.score) for h in history] == [(1, 3.0), (2, 9.5)]
    assert history[1].content_hash == rows["s3"].content_hash != history[0].content_hash
    assert ResultRevision.objects.count() == 5 + 2 + 2
    _assert_no_revision_without_its_result()


def _assert_no_revision_without_its_result() -> None:
    # The database does not check a revision's result (ADR 0087): the store must.
    assert not ResultRevision.objects.exclude(result_id__in=Result.objects.values("pk")).exists()


def test_a_result_listed_twice_in_a_page_is_stored_once_with_the_last_content(line_item):
    page = _page(2) + [{**_page(2)[1], "resultScore": 7, "comment": "second"}]
    outcome = _store(line_item, page)
    assert (outcome.new, outcome.changed, outcome.unchanged) == (2, 0, 0)
    stored = Result.objects.get(learner__sub="s1")
    assert (stored.score, stored.comment) == (7.0, "second")


def test_the_content_hash_keeps_its_canonical_form():
    # Stored hashes decide "changed"; if this form moved, every result would get a spurious
    # revision at the next sync. Key order and spacing of what the LMS sent do not matter.
    raw = {
        "userId": "5",
        "resultScore": 30.5,
        "resultMaximum": 50,
        "comment": "Très bien <b>",
        "timestamp": "2026-11-25T22:23:17+00:00",
        "ext": {"b": 1, "a": [1, None, True]},
    }
    expected = "5f19f75387e5e8f3f1bbe5902f4369da3834a8dfa19aa48f4c91a42c7ea252b1"
    assert content_hash(raw) == expected
    assert content_hash(dict(reversed(raw.items()))) == expected
    assert content_hash({**raw, "resultScore": 30.25}) != expected


@pytest.mark.parametrize("size", [3, 1201])
def test_new_results_get_their_own_first_revision_and_the_content_as_received(line_item, size):
    # 1201: more than one SQLite batch (500 rows), whose keys come back from RETURNING.
    page = _page(size, score=lambda i: i % 997, comment="well done")
    page[0]["extensions"] = {"ünïcode": "ja ✓", "tab": "a\tb", "nested": [1, None, True]}
    assert _store(line_item, page).new == size
    received = {r["userId"]: r for r in page}
    stored = Result.objects.filter(line_item=line_item).select_related("learner")
    results = {r.pk: r for r in stored}
    assert len(results) == size
    for result in results.values():
        assert result.raw == received[result.learner.sub]
        assert result.score == received[result.learner.sub]["resultScore"]
    revisions = ResultRevision.objects.filter(result__line_item=line_item)
    assert revisions.count() == size
    for revision in revisions:
        result = results[revision.result_id]
        assert revision.number == 1
        assert (revision.score, revision.raw, revision.content_hash) == (
            result.score,
            result.raw,
            result.content_hash,
        )
    _assert_no_revision_without_its_result()


def test_a_result_listed_again_in_a_later_chunk_is_stored_once_with_the_last_content(line_item):
    def s0_revisions() -> list[float]:
        revisions = ResultRevision.objects.filter(result__learner__sub="s0").order_by("number")
        return list(revisions.values_list("score", flat=True))

    # chunk=2: s1's second listing comes in the third chunk, after s1 was written.
    page = _page(5) + [{**_page(2)[1], "resultScore": 7, "comment": "second"}]
    outcome = store_results_page(
        line_item=line_item, platform_id=line_item.course.platform_id, page=page, chunk=2
    )
    assert (outcome.new, outcome.changed, outcome.unchanged) == (5, 0, 0)
    stored = Result.objects.get(learner__sub="s1")
    assert (stored.score, stored.comment, stored.revision) == (7.0, "second", 1)
    (revision,) = ResultRevision.objects.filter(result=stored)
    assert (revision.score, revision.raw, revision.content_hash) == (
        7.0,
        stored.raw,
        stored.content_hash,
    )
    # Listed again unchanged: nothing written, and each listing counted (the page keeps no
    # memory of what it found unchanged).
    outcome = store_results_page(
        line_item=line_item, platform_id=line_item.course.platform_id, page=page[:1] * 3, chunk=1
    )
    assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 0, 3)
    assert s0_revisions() == [0.0]
    # Unchanged in an earlier chunk, then changed later: one new revision.
    again = [page[0], page[2], page[4], {**page[0], "resultScore": 3.5}]
    outcome = store_results_page(
        line_item=line_item, platform_id=line_item.course.platform_id, page=again, chunk=2
    )
    assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 1, 3)
    s0 = Result.objects.get(learner__sub="s0")
    assert (s0.score, s0.revision) == (3.5, 2)
    assert s0_revisions() == [0.0, 3.5]
    # Changed in an earlier chunk, changed again later: still one new revision, the last.
    twice = [{**page[0], "resultScore": 4.0}, page[2], {**page[0], "resultScore": 4.5}]
    outcome = store_results_page(
        line_item=line_item, platform_id=line_item.course.platform_id, page=twice, chunk=2
    )
    assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 1, 1)
    assert s0_revisions() == [0.0, 3.5, 4.5]
    s0.refresh_from_db()
    assert (s0.score, s0.revision, s0.raw["resultScore"]) == (4.5, 3, 4.5)
    assert s0.revisions.get(number=3).raw == s0.raw
    _assert_no_revision_without_its_result()


def test_a_page_found_malformed_after_its_first_chunks_is_rejected_whole(line_item):
    text = json.dumps(_page(5))[:-1] + ', {"resultScore": 1}]'  # the sixth has no userId
    stream = ResultStream(text, url=line_item.url, seen={})
    with pytest.raises(MalformedResponse, match="wrong shape"):
        store_results_page(
            line_item=line_item, platform_id=line_item.course.platform_id, page=stream, chunk=2
        )
    assert not Result.objects.exists() and not ResultRevision.objects.exists()


def test_the_learners_written_since_a_time_come_once_each_in_ordered_batches(line_item):
    other = LineItem.objects.create(course=line_item.course, url=f"{line_item.url}/2", label="B")
    _store(line_item, _page(4))
    later = _store(other, _page(5, score=lambda i: 1))
    _store(line_item, _page(5, score=lambda i: 2 if i in (0, 4) else i % 11))  # s0 changed, s4 new
    ids = dict(Result.objects.filter(line_item=other).values_list("learner__sub", "learner_id"))
    batches = list(
        learners_written_since(line_item_ids=[line_item.pk, other.pk], since=later.at, batch=2)
    )
    # Every learner of the later pages once (s0 and s4 twice over), in order, two at a time.
    assert [id for batch in batches for id in batch] == sorted(ids.values())
    assert [len(batch) for batch in batches] == [2, 2, 1]
    # Only the line items asked about, only what was written from `since` on.
    assert list(learners_written_since(line_item_ids=[line_item.pk], since=later.at)) == [
        sorted((ids["s0"], ids["s4"]))
    ]
