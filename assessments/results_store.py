"""Store one page of AGS results: new ones inserted, changed ones revised, unchanged untouched.

A page is one transaction: either every result of the page is stored with its revision, or
none is. Rows are read and written in bulk (a handful of queries per page, whatever its
size), and a page whose results are all unchanged costs one read and a hash per result:
that is most pages of the periodic re-sync. Evidence is never deleted: a result missing
from a page (Canvas lists graded learners only) stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .bulk_write import insert_rows, update_rows
from .models import LineItem, Result, ResultRevision
from .result_content import ResultContent, content_hash, read_result
from .roster import learner_ids

# What a result and each of its revisions hold of the fetched content (ResultContent's names).
_CONTENT_FIELDS = ("score", "maximum", "comment", "lms_timestamp", "raw", "content_hash")
_RESULT_FIELDS = ("line_item", "learner", *_CONTENT_FIELDS, "fetched_at", "revision")
_REVISION_FIELDS = ("result", "number", *_CONTENT_FIELDS, "recorded_at")
_UPDATED_FIELDS = (*_CONTENT_FIELDS, "fetched_at", "revision")


def _content_values(c: ResultContent) -> tuple:
    # In _CONTENT_FIELDS's order; spelled out, as this runs for every stored result.
    return (c.score, c.maximum, c.comment, c.lms_timestamp, c.raw, c.content_hash)


def _result_row(line_item_id: int, learner_id: int, c: ResultContent, now) -> tuple:
    return (line_item_id, learner_id, *_content_values(c), now, 1)


def _revision_row(result_id: int, number: int, c: ResultContent, now) -> tuple:
    return (result_id, number, *_content_values(c), now)


@dataclass
class PageOutcome:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    learner_ids: set[int] = field(default_factory=set)  # learners whose results changed


def _stored(
    *, line_item: LineItem, platform_id: int, subs: set[str]
) -> dict[str, tuple[int, int, str, int]]:
    """sub -> (learner id, result id, hash, revision) of this line item's stored results.

    One query joined on the learner's `sub`, so a page of unchanged results costs one read:
    no lookup of learner ids, no model instances. The platform is named so the learner side
    is found through its (platform, sub) index, not by scanning every platform's people.
    """
    rows = Result.objects.filter(
        line_item=line_item, learner__platform_id=platform_id, learner__sub__in=subs
    ).values_list("learner__sub", "learner_id", "id", "content_hash", "revision")
    return {
        sub: (learner_id, result_id, content_hash, revision)
        for sub, learner_id, result_id, content_hash, revision in rows
    }


@transaction.atomic
def store_results_page(*, line_item: LineItem, platform_id: int, page: list[dict]) -> PageOutcome:
    outcome = PageOutcome()
    received: dict[str, dict] = {}
    for raw in page:
        received[str(raw["userId"])] = raw  # a duplicate in one page: the last one wins
    stored = _stored(line_item=line_item, platform_id=platform_id, subs=set(received))
    now = timezone.now()
    new: dict[str, ResultContent] = {}
    changed: list[tuple[int, int, int, ResultContent]] = []  # learner, result, revision, content
    for sub, raw in received.items():
        known = stored.get(sub)
        digest = content_hash(raw)
        if known is None:
            new[sub] = read_result(raw, digest=digest)
        elif known[2] != digest:
            changed.append((known[0], known[1], known[3] + 1, read_result(raw, digest=digest)))
        else:
            outcome.unchanged += 1  # the common case of a re-sync: hashed, compared, done
    revision_rows = []
    if new:
        # Results may name people the roster did not list (Canvas drops departed learners
        # from NRPS but keeps their grades): they get a Learner row so the evidence is kept.
        ids = learner_ids(platform_id=platform_id, subs=set(new))
        by_learner = {ids[sub]: content for sub, content in new.items()}
        insert_rows(
            model=Result,
            fields=_RESULT_FIELDS,
            rows=[_result_row(line_item.pk, lid, c, now) for lid, c in by_learner.items()],
        )
        new_ids = Result.objects.filter(line_item=line_item, learner_id__in=by_learner)
        revision_rows += [
            _revision_row(result_id, 1, by_learner[lid], now)
            for lid, result_id in new_ids.values_list("learner_id", "id")
        ]
        outcome.learner_ids.update(by_learner)
    if changed:
        # A handful per page in a re-sync: `bulk_update`'s CASE per column per row would
        # cost more than the writes.
        update_rows(
            model=Result,
            fields=_UPDATED_FIELDS,
            rows=[(*_content_values(c), now, revision, pk) for _, pk, revision, c in changed],
        )
        revision_rows += [_revision_row(pk, rev, c, now) for _, pk, rev, c in changed]
        outcome.learner_ids.update(learner for learner, *_ in changed)
    insert_rows(model=ResultRevision, fields=_REVISION_FIELDS, rows=revision_rows)
    outcome.new, outcome.changed = len(new), len(changed)
    return outcome
