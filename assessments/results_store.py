"""Store one page of AGS results: new ones inserted, changed ones revised, unchanged untouched.

A page is one transaction: either every result of the page is stored with its revision, or
none is. Rows are read and written in bulk (a handful of queries per page, whatever its
size), and a page whose results are all unchanged costs one read and a hash per result:
that is most pages of the periodic re-sync. A new result's row and its first revision are
written with keys taken beforehand, so nothing is read back. Evidence is never deleted: a
result missing from a page (Canvas lists graded learners only) stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import NamedTuple

from django.db import connections, router, transaction
from django.utils import timezone

from .bulk_write import JSONText, insert_rows, insert_rows_with_ids, one_of, update_rows
from .models import Learner, LineItem, Result, ResultRevision
from .result_content import ResultContent, canonical_and_hash, read_result
from .roster import learner_ids

# What a result and each of its revisions hold of the fetched content (ResultContent's names).
_CONTENT_FIELDS = ("score", "maximum", "comment", "lms_timestamp", "raw", "content_hash")
_RESULT_FIELDS = ("line_item", "learner", *_CONTENT_FIELDS, "fetched_at", "revision")
_REVISION_FIELDS = ("result", "number", *_CONTENT_FIELDS, "recorded_at")
_UPDATED_FIELDS = (*_CONTENT_FIELDS, "fetched_at", "revision")


def _content_values(c: ResultContent, text: JSONText) -> tuple:
    # In _CONTENT_FIELDS's order; spelled out, as this runs for every stored result. `raw` is
    # written as the canonical text that was hashed: the same document, encoded once.
    return (c.score, c.maximum, c.comment, c.lms_timestamp, text, c.content_hash)


class _Seen(NamedTuple):
    """What this page did with a result: its hash, its row, its revision number and whether
    this page wrote that revision (False: found unchanged), its learner."""

    digest: str
    result_id: int
    revision: int
    wrote: bool
    learner_id: int


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
    # A result listed twice in one page is stored once, with its last content; within a chunk
    # the last one simply wins, across chunks this page's record of each sub decides.
    seen: dict[str, _Seen] = {}
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
            _store_chunk(
                line_item=line_item,
                platform_id=platform_id,
                received=received,
                seen=seen,
                outcome=outcome,
            )
    return outcome


def _store_chunk(
    *,
    line_item: LineItem,
    platform_id: int,
    received: dict[str, dict],
    seen: dict[str, _Seen],
    outcome: PageOutcome,
) -> None:
    stored = _stored(line_item=line_item, platform_id=platform_id, subs=list(received))
    now = timezone.now()
    new: dict[str, tuple[ResultContent, JSONText]] = {}
    changed: list[tuple[str, int, int, int, ResultContent, JSONText]] = []
    for sub, raw in received.items():
        known = stored.get(sub)
        text, digest = canonical_and_hash(raw)
        if known is None or known[1] is None:
            new[sub] = (read_result(raw, digest=digest), JSONText(text))
        elif known[2] != digest:
            content = read_result(raw, digest=digest)
            changed.append((sub, known[0], known[1], known[3] + 1, content, JSONText(text)))
        else:
            outcome.unchanged += 1  # the common case of a re-sync: hashed, compared, done
            seen[sub] = _Seen(digest, known[1], known[3], False, known[0])
    revision_rows = []
    if new:
        # Results may name people the roster did not list (Canvas drops departed learners
        # from NRPS but keeps their grades): they get a Learner row so the evidence is kept.
        ids = {sub: row[0] for sub, row in stored.items()}
        unknown = new.keys() - ids.keys()
        if unknown:
            ids.update(learner_ids(platform_id=platform_id, subs=unknown))
        new_ids = insert_rows_with_ids(
            model=Result,
            fields=_RESULT_FIELDS,
            rows=[
                (line_item.pk, ids[sub], *_content_values(c, text), now, 1)
                for sub, (c, text) in new.items()
            ],
        )
        for result_id, (sub, (c, text)) in zip(new_ids, new.items(), strict=True):
            revision_rows.append((result_id, 1, *_content_values(c, text), now))
            seen[sub] = _Seen(c.content_hash, result_id, 1, True, ids[sub])
            outcome.learner_ids.add(ids[sub])
    if changed:
        # A handful per page in a re-sync: `bulk_update`'s CASE per column per row would
        # cost more than the writes.
        update_rows(
            model=Result,
            fields=_UPDATED_FIELDS,
            rows=[
                (*_content_values(c, text), now, revision, pk)
                for _, _, pk, revision, c, text in changed
            ],
        )
        for sub, learner, pk, revision, c, text in changed:
            revision_rows.append((pk, revision, *_content_values(c, text), now))
            seen[sub] = _Seen(c.content_hash, pk, revision, True, learner)
            outcome.learner_ids.add(learner)
    insert_rows(model=ResultRevision, fields=_REVISION_FIELDS, rows=revision_rows)
    outcome.new += len(new)
    outcome.changed += len(changed)


def _store_again(
    *, line_item: LineItem, again: dict[str, dict], seen: dict[str, _Seen], outcome: PageOutcome
) -> None:
    """Results listed again later in the same page (rare): the last content wins. One this
    page wrote already is rewritten in place, row and revision (still one revision for
    the page); one it found unchanged is revised as any change."""
    now = timezone.now()
    for sub, raw in again.items():
        before = seen[sub]
        text, digest = canonical_and_hash(raw)
        if digest == before.digest:
            continue
        c, json_text = read_result(raw, digest=digest), JSONText(text)
        number = before.revision if before.wrote else before.revision + 1
        if not before.wrote:
            outcome.unchanged -= 1
            outcome.changed += 1
            insert_rows(
                model=ResultRevision,
                fields=_REVISION_FIELDS,
                rows=[(before.result_id, number, *_content_values(c, json_text), now)],
            )
        else:
            ResultRevision.objects.filter(result_id=before.result_id, number=number).update(
                score=c.score,
                maximum=c.maximum,
                comment=c.comment,
                lms_timestamp=c.lms_timestamp,
                raw=c.raw,
                content_hash=c.content_hash,
                recorded_at=now,
            )
        update_rows(
            model=Result,
            fields=_UPDATED_FIELDS,
            rows=[(*_content_values(c, json_text), now, number, before.result_id)],
        )
        seen[sub] = _Seen(digest, before.result_id, number, True, before.learner_id)
        outcome.learner_ids.add(before.learner_id)
