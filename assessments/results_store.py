"""Store one page of AGS results: new ones inserted, changed ones revised, unchanged untouched.

A page is one transaction: either every result of the page is stored with its revision, or
none is. Rows are read and written in bulk (a handful of queries per page, whatever its
size), and a page whose results are all unchanged costs one read and a hash per result:
that is most pages of the periodic re-sync. On PostgreSQL the new results and their first
revisions are one statement per 500 (the revisions inserted from the rows it wrote), and so
are the changed ones (`bulk_unnest`); elsewhere a new result's row and its first revision
are written with keys taken beforehand, so nothing is read back. Evidence is never deleted:
a result missing from a page (Canvas lists graded learners only) stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import NamedTuple

from django.db import connections, router, transaction
from django.utils import timezone

from .bulk_unnest import write_with_copies
from .bulk_write import (
    JSONText,
    columns_of,
    insert_rows_with_ids,
    one_of,
    update_rows,
)
from .models import Learner, LineItem, Result, ResultRevision
from .result_content import canonical_and_hash, content_row
from .roster import learner_ids

# What a result and each of its revisions hold of the fetched content (`content_row`'s order).
_CONTENT_FIELDS = ("score", "maximum", "comment", "lms_timestamp", "raw", "content_hash")
_RESULT_FIELDS = ("line_item", "learner", *_CONTENT_FIELDS, "fetched_at", "revision")
_REVISION_FIELDS = ("result", "number", *_CONTENT_FIELDS, "recorded_at")
_UPDATED_FIELDS = (*_CONTENT_FIELDS, "fetched_at", "revision")


@dataclass
class PageOutcome:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    # The page's `fetched_at`: every result it writes gets this one time, which is how a later
    # chunk knows a result this page wrote already, and how the sync finds afterwards whose
    # results changed (`learners_written_since`) without holding a learner per result.
    at: datetime = field(default_factory=timezone.now)


class _Known(NamedTuple):
    learner_id: int
    result_id: int | None  # None (hash "", revision 0): no result of theirs on this line item yet
    content_hash: str
    revision: int
    this_page: bool  # written by this page already, in an earlier chunk


def _stored(
    *, line_item: LineItem, platform_id: int, subs: list[str], at: datetime
) -> dict[str, _Known]:
    """sub -> what is stored of it, for the subs that have a Learner row.

    One query, the learners joined to this line item's results, with the subs as one
    parameter: a page of unchanged results costs one read, and a page of new ones learns
    its learners' ids in the same read. The platform is named so the learners are found
    through their (platform, sub) index. Whether this page wrote a result is asked of the
    database (its `fetched_at` is the page's), so the page remembers no learner in memory.
    """
    connection = connections[router.db_for_read(Result)]
    quote = connection.ops.quote_name
    learner, result = quote(Learner._meta.db_table), quote(Result._meta.db_table)
    test, subs_param = one_of(connection, subs)
    sql = (
        f"SELECT l.sub, l.id, r.id, r.content_hash, r.revision, r.fetched_at = %s "  # noqa: S608 - quoted metadata
        f"FROM {learner} l "
        f"LEFT JOIN {result} r ON r.learner_id = l.id AND r.line_item_id = %s "
        f"WHERE l.platform_id = %s AND l.sub {test}"
    )
    params = [connection.ops.adapt_datetimefield_value(at), line_item.pk, platform_id, subs_param]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        sub: _Known(learner_id, result_id, content_hash or "", revision or 0, bool(this_page))
        for sub, learner_id, result_id, content_hash, revision, this_page in rows
    }


# Results stored per round of queries. A Moodle column is one page of every learner's result:
# stored in chunks, its decoded results are never all in memory at once (ADR 0078).
CHUNK_RESULTS = 2000


@transaction.atomic
def store_results_page(
    *, line_item: LineItem, platform_id: int, page: Iterable[dict], chunk: int = CHUNK_RESULTS
) -> PageOutcome:
    """Store a page (read as it is iterated: `ResultStream`), `chunk` results at a time, in
    one transaction: a page found malformed halfway is rolled back whole.

    A result listed twice in one page is stored once, with its last content (within a chunk
    the last one simply wins; across chunks the database says which this page wrote). Its
    second listing is counted again only where the first was found unchanged: the page
    keeps no memory of those."""
    outcome = PageOutcome()
    results = iter(page)
    while batch := list(islice(results, chunk)):
        received: dict[str, dict] = {}
        for raw in batch:
            received[str(raw["userId"])] = raw
        del batch
        _store_chunk(
            line_item=line_item, platform_id=platform_id, received=received, outcome=outcome
        )
    return outcome


def _store_chunk(
    *, line_item: LineItem, platform_id: int, received: dict[str, dict], outcome: PageOutcome
) -> None:
    """Stores `received` (sub -> result, no sub twice).

    Per result only plain tuples are built, and only for what is written: an unchanged
    result costs its hash and a comparison with the stored one."""
    stored = _stored(
        line_item=line_item, platform_id=platform_id, subs=list(received), at=outcome.at
    )
    now = outcome.at
    new: dict[str, tuple] = {}  # sub -> content_row
    changed: list[tuple] = []  # (result id, revision, content_row)
    again: list[tuple] = []  # (result id, revision, raw, content_row): this page's (rare)
    for sub, raw in received.items():
        known = stored.get(sub)
        text, digest = canonical_and_hash(raw)
        if known is None or known.result_id is None:
            new[sub] = content_row(raw, JSONText(text), digest)
        elif known.content_hash == digest:
            if not known.this_page:
                outcome.unchanged += 1  # the common case of a re-sync: hashed, compared, done
        elif known.this_page:
            row = content_row(raw, JSONText(text), digest)
            again.append((known.result_id, known.revision, raw, row))
        else:
            row = content_row(raw, JSONText(text), digest)
            changed.append((known.result_id, known.revision + 1, row))
    new_rows: list[tuple] = []
    if new:
        # Results may name people the roster did not list (Canvas drops departed learners
        # from NRPS but keeps their grades): they get a Learner row so the evidence is kept.
        ids = {sub: known.learner_id for sub, known in stored.items()}
        unknown = new.keys() - ids.keys()
        if unknown:
            ids.update(learner_ids(platform_id=platform_id, subs=unknown))
        new_rows = [(line_item.pk, ids[sub], *row, now, 1) for sub, row in new.items()]
    # A handful per page in a re-sync: `bulk_update`'s CASE per column per row would cost
    # more than the writes.
    changed_rows = [(*row, now, revision, pk) for pk, revision, row in changed]
    _write(new_rows, changed_rows)
    if again:
        _rewrite(again, now=now)
    outcome.new += len(new)
    outcome.changed += len(changed)


# The result's own columns in its revision's order (`_REVISION_FIELDS`).
_REVISED_FROM = ("id", "revision", *_CONTENT_FIELDS, "fetched_at")


def _write(new_rows: list[tuple], changed_rows: list[tuple]) -> None:
    """Writes new results (`_RESULT_FIELDS`) and changed ones (`_UPDATED_FIELDS`, then the
    id), each with its revision numbered `Result.revision`. PostgreSQL: each kind in ONE
    statement, the revisions inserted from the rows the same statement wrote."""
    connection = connections[router.db_for_write(Result)]
    if connection.vendor == "postgresql":
        write_with_copies(
            connection,
            model=Result,
            fields=_RESULT_FIELDS,
            rows=new_rows,
            copy_to=ResultRevision,
            copy_fields=_REVISION_FIELDS,
            copied=_REVISED_FROM,
        )
        write_with_copies(
            connection,
            model=Result,
            fields=_UPDATED_FIELDS,
            rows=changed_rows,
            copy_to=ResultRevision,
            copy_fields=_REVISION_FIELDS,
            copied=_REVISED_FROM,
            update=True,
        )
        return
    revised = insert_rows_with_ids(model=Result, fields=_RESULT_FIELDS, rows=new_rows)
    update_rows(model=Result, fields=_UPDATED_FIELDS, rows=changed_rows)
    _record_revisions([*revised, *(row[-1] for row in changed_rows)])


def _record_revisions(result_ids: list[int]) -> None:
    """Each result's current content (just written) as its revision numbered
    `Result.revision`, copied by the database from the result's row: nothing is sent twice,
    and PostgreSQL copies the row's `raw` as it is stored rather than parsing the same JSON
    document a second time (ADR 0081)."""
    if not result_ids:
        return
    connection = connections[router.db_for_write(ResultRevision)]
    quote = connection.ops.quote_name
    revision, result = quote(ResultRevision._meta.db_table), quote(Result._meta.db_table)
    into = ", ".join(quote(c.column) for c in columns_of(ResultRevision, _REVISION_FIELDS))
    columns = ", ".join(quote(c.column) for c in columns_of(Result, _REVISED_FROM))
    test, ids = one_of(connection, result_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {revision} ({into}) SELECT {columns} FROM {result} "  # noqa: S608 - quoted metadata
            f"WHERE {quote(Result._meta.pk.column)} {test}",
            [ids],
        )


def _rewrite(again: list[tuple[int, int, dict, tuple]], *, now: datetime) -> None:
    """Results this page wrote in an earlier chunk and lists again with other content
    (rare): the last content wins, rewritten in place, row and revision, so the page still
    makes one revision of each."""
    for result_id, revision, raw, row in again:
        # The ORM is given the decoded `raw` (the row's JSONText is for the bulk writers).
        ResultRevision.objects.filter(result_id=result_id, number=revision).update(
            **dict(zip(_CONTENT_FIELDS[:4], row[:4], strict=True)),
            raw=raw,
            content_hash=row[5],
            recorded_at=now,
        )
        update_rows(
            model=Result,
            fields=_UPDATED_FIELDS,
            rows=[(*row, now, revision, result_id)],
        )


def learners_written_since(
    *, line_item_ids: list[int], since: datetime, batch: int = 5000
) -> Iterator[list[int]]:
    """The learners with a result on these line items written at `since` or later (a sync
    passes its first page's time), `batch` ids at a time, in order: the sync announces them
    without having held them while it stored its pages."""
    ids = (
        Result.objects.filter(line_item_id__in=line_item_ids, fetched_at__gte=since)
        .order_by("learner_id")
        .values_list("learner_id", flat=True)
        .distinct()
        .iterator(chunk_size=batch)
    )
    while chunk := list(islice(ids, batch)):
        yield chunk
