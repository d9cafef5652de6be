"""Store one page of AGS results: new ones inserted, changed ones revised, unchanged untouched.

A page is one transaction: either every result of the page is stored with its revision, or
none is. Rows are read and written in bulk (a handful of queries per page, whatever its
size), and a page whose results are all unchanged costs one read and a hash per result:
that is most pages of the periodic re-sync. A new result's row and its first revision are
written with keys taken beforehand, so nothing is read back. Evidence is never deleted: a
result missing from a page (Canvas lists graded learners only) stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


@transaction.atomic
def store_results_page(*, line_item: LineItem, platform_id: int, page: list[dict]) -> PageOutcome:
    outcome = PageOutcome()
    received: dict[str, dict] = {}
    for raw in page:
        received[str(raw["userId"])] = raw  # a duplicate in one page: the last one wins
    stored = _stored(line_item=line_item, platform_id=platform_id, subs=list(received))
    now = timezone.now()
    new: dict[str, tuple[ResultContent, JSONText]] = {}
    changed: list[tuple[int, int, int, ResultContent, JSONText]] = []
    for sub, raw in received.items():
        known = stored.get(sub)
        text, digest = canonical_and_hash(raw)
        if known is None or known[1] is None:
            new[sub] = (read_result(raw, digest=digest), JSONText(text))
        elif known[2] != digest:
            content = read_result(raw, digest=digest)
            changed.append((known[0], known[1], known[3] + 1, content, JSONText(text)))
        else:
            outcome.unchanged += 1  # the common case of a re-sync: hashed, compared, done
    revision_rows = []
    if new:
        # Results may name people the roster did not list (Canvas drops departed learners
        # from NRPS but keeps their grades): they get a Learner row so the evidence is kept.
        ids = {sub: row[0] for sub, row in stored.items()}
        unknown = new.keys() - ids.keys()
        if unknown:
            ids.update(learner_ids(platform_id=platform_id, subs=unknown))
        by_learner = {ids[sub]: content for sub, content in new.items()}
        new_ids = insert_rows_with_ids(
            model=Result,
            fields=_RESULT_FIELDS,
            rows=[
                (line_item.pk, lid, *_content_values(c, text), now, 1)
                for lid, (c, text) in by_learner.items()
            ],
        )
        revision_rows += [
            (result_id, 1, *_content_values(c, text), now)
            for result_id, (c, text) in zip(new_ids, by_learner.values(), strict=True)
        ]
        outcome.learner_ids.update(by_learner)
    if changed:
        # A handful per page in a re-sync: `bulk_update`'s CASE per column per row would
        # cost more than the writes.
        update_rows(
            model=Result,
            fields=_UPDATED_FIELDS,
            rows=[
                (*_content_values(c, text), now, revision, pk)
                for _, pk, revision, c, text in changed
            ],
        )
        revision_rows += [
            (pk, rev, *_content_values(c, text), now) for _, pk, rev, c, text in changed
        ]
        outcome.learner_ids.update(learner for learner, *_ in changed)
    insert_rows(model=ResultRevision, fields=_REVISION_FIELDS, rows=revision_rows)
    outcome.new, outcome.changed = len(new), len(changed)
    return outcome
