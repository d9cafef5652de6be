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

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

from django.db import connections, router, transaction
from django.utils import timezone

from .bulk_unnest import write_with_copies
from .bulk_write import (
    JSONText,
    columns_of,
    insert_rows,
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
    learner_ids: set[int] = field(default_factory=set)  # learners whose results changed


def _stored(
    *, line_item: LineItem, platform_id: int, subs: list[str]
) -> dict[str, tuple[int, int | None, str, int]]:
    """sub -> (learner id, result id, hash, revision) for the subs that have a Learner row;
    result id None (hash "", revision 0) where this line item has no result of theirs yet.

    One query, the learners joined to this line item's results, with the subs as one
    parameter: a page of unchanged results costs one read, and a page of new ones learns
    its learners' ids in the same read. The platform is named so the learners are found
    through their (platform, sub) index.
    """
    connection = connections[router.db_for_read(Result)]
    quote = connection.ops.quote_name
    learner, result = quote(Learner._meta.db_table), quote(Result._meta.db_table)
    test, subs_param = one_of(connection, subs)
    sql = (
        f"SELECT l.sub, l.id, r.id, r.content_hash, r.revision FROM {learner} l "  # noqa: S608 - quoted metadata
        f"LEFT JOIN {result} r ON r.learner_id = l.id AND r.line_item_id = %s "
        f"WHERE l.platform_id = %s AND l.sub {test}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [line_item.pk, platform_id, subs_param])
        rows = cursor.fetchall()
    return {
        sub: (learner_id, result_id, content_hash or "", revision or 0)
        for sub, learner_id, result_id, content_hash, revision in rows
    }


# Results stored per round of queries. A Moodle column is one page of every learner's result:
# stored in chunks, its decoded results are never all in memory at once (ADR 0078).
CHUNK_RESULTS = 2000


@transaction.atomic
def store_results_page(
    *, line_item: LineItem, platform_id: int, page: Iterable[dict], chunk: int = CHUNK_RESULTS
) -> PageOutcome:
    """Store a page (read as it is iterated: `ResultStream`), `chunk` results at a time, in
    one transaction: a page found malformed halfway is rolled back whole."""
    outcome = PageOutcome()
    # sub -> whether this page wrote a revision of it: a result listed twice in one page is
    # stored once, with its last content (within a chunk the last one simply wins).
    seen: dict[str, bool] = {}
    results = iter(page)
    while batch := list(islice(results, chunk)):
        received: dict[str, dict] = {}
        for raw in batch:
            received[str(raw["userId"])] = raw
        del batch
        again = {sub: received.pop(sub) for sub in received.keys() & seen.keys()}
        if again:
            _store_again(line_item=line_item, again=again, seen=seen, outcome=outcome)
        if received:
            written = _store_chunk(
                line_item=line_item, platform_id=platform_id, received=received, outcome=outcome
            )
            seen.update(dict.fromkeys(received, False))
            seen.update(dict.fromkeys(written, True))
    return outcome


def _store_chunk(
    *, line_item: LineItem, platform_id: int, received: dict[str, dict], outcome: PageOutcome
) -> list[str]:
    """Stores `received` (sub -> result, no sub twice); returns the subs it wrote.

    Per result only plain tuples are built, and only for what is written: an unchanged
    result costs its hash and a comparison with the stored one."""
    stored = _stored(line_item=line_item, platform_id=platform_id, subs=list(received))
    now = timezone.now()
    new: dict[str, tuple] = {}  # sub -> content_row
    changed: list[tuple] = []  # (sub, learner id, result id, revision, content_row)
    for sub, raw in received.items():
        known = stored.get(sub)
        text, digest = canonical_and_hash(raw)
        if known is None or known[1] is None:
            new[sub] = content_row(raw, JSONText(text), digest)
        elif known[2] != digest:
            row = content_row(raw, JSONText(text), digest)
            changed.append((sub, known[0], known[1], known[3] + 1, row))
        else:
            outcome.unchanged += 1  # the common case of a re-sync: hashed, compared, done
    new_rows: list[tuple] = []
    if new:
        # Results may name people the roster did not list (Canvas drops departed learners
        # from NRPS but keeps their grades): they get a Learner row so the evidence is kept.
        ids = {sub: row[0] for sub, row in stored.items()}
        unknown = new.keys() - ids.keys()
        if unknown:
            ids.update(learner_ids(platform_id=platform_id, subs=unknown))
        learners = [ids[sub] for sub in new]
        new_rows = [
            (line_item.pk, learner, *row, now, 1)
            for learner, row in zip(learners, new.values(), strict=True)
        ]
        outcome.learner_ids.update(learners)
    # A handful per page in a re-sync: `bulk_update`'s CASE per column per row would cost
    # more than the writes.
    changed_rows = [(*row, now, revision, pk) for _, _, pk, revision, row in changed]
    outcome.learner_ids.update(learner for _, learner, *_ in changed)
    _write(new_rows, changed_rows)
    outcome.new += len(new)
    outcome.changed += len(changed)
    return [*new, *(sub for sub, *_ in changed)]


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


def _store_again(
    *, line_item: LineItem, again: dict[str, dict], seen: dict[str, bool], outcome: PageOutcome
) -> None:
    """Results listed again later in the same page (rare): the last content wins. One this
    page wrote already is rewritten in place, row and revision (still one revision for the
    page); one it found unchanged is revised as any change."""
    now = timezone.now()
    rows = Result.objects.filter(line_item=line_item, learner__sub__in=again).values_list(
        "learner__sub", "pk", "learner_id", "revision", "content_hash"
    )
    for sub, pk, learner, revision, stored_hash in rows:
        raw = again[sub]
        text, digest = canonical_and_hash(raw)
        if digest == stored_hash:
            continue
        row = content_row(raw, JSONText(text), digest)
        if seen[sub]:
            ResultRevision.objects.filter(result_id=pk, number=revision).update(
                **dict(zip(_CONTENT_FIELDS, row[:4], strict=False)),
                raw=raw,
                content_hash=digest,
                recorded_at=now,
            )
        else:
            revision += 1
            outcome.unchanged -= 1
            outcome.changed += 1
            insert_rows(
                model=ResultRevision, fields=_REVISION_FIELDS, rows=[(pk, revision, *row, now)]
            )
        update_rows(model=Result, fields=_UPDATED_FIELDS, rows=[(*row, now, revision, pk)])
        seen[sub] = True
        outcome.learner_ids.add(learner)
