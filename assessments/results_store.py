"""Store one page of AGS results: new ones inserted, changed ones revised, unchanged untouched.

A page is one transaction: either every result of the page is stored with its revision, or
none is. Rows are read and written in bulk (a handful of queries per page, whatever its
size). Evidence is never deleted: a result missing from a page (Canvas lists graded
learners only) stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .bulk_insert import insert_rows
from .models import LineItem, Result, ResultRevision
from .result_content import ResultContent, read_result
from .roster import learner_ids

# What a result and each of its revisions hold of the fetched content (ResultContent's names).
_CONTENT_FIELDS = ("score", "maximum", "comment", "lms_timestamp", "raw", "content_hash")
_RESULT_FIELDS = ("line_item", "learner", *_CONTENT_FIELDS, "fetched_at", "revision")
_REVISION_FIELDS = ("result", "number", *_CONTENT_FIELDS, "recorded_at")


def _content_values(c: ResultContent) -> tuple:
    return tuple(getattr(c, name) for name in _CONTENT_FIELDS)


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


@transaction.atomic
def store_results_page(*, line_item: LineItem, platform_id: int, page: list[dict]) -> PageOutcome:
    outcome = PageOutcome()
    contents: dict[str, ResultContent] = {}
    for raw in page:
        content = read_result(raw)
        contents[content.user_id] = content  # a duplicate in one page: the last one wins
    # Results may name people the roster did not list (Canvas drops departed learners from
    # NRPS but keeps their grades): they get a Learner row so the evidence is kept.
    ids = learner_ids(platform_id=platform_id, subs=set(contents))
    by_learner = {ids[sub]: content for sub, content in contents.items()}
    # (id, hash, revision) of the stored results: plain tuples, no model instances.
    existing = {
        learner_id: (pk, stored_hash, revision)
        for learner_id, pk, stored_hash, revision in Result.objects.filter(
            line_item=line_item, learner_id__in=by_learner
        ).values_list("learner_id", "id", "content_hash", "revision")
    }
    now = timezone.now()
    new_learners: list[int] = []
    changed_results: list[Result] = []
    for learner_id, content in by_learner.items():
        stored = existing.get(learner_id)
        if stored is None:
            new_learners.append(learner_id)
        elif stored[1] != content.content_hash:
            result = Result(pk=stored[0], line_item=line_item, learner_id=learner_id)
            result.score, result.maximum = content.score, content.maximum
            result.comment, result.lms_timestamp = content.comment, content.lms_timestamp
            result.raw, result.content_hash = content.raw, content.content_hash
            result.fetched_at, result.revision = now, stored[2] + 1
            changed_results.append(result)
        else:
            outcome.unchanged += 1
    revision_rows = []
    if new_learners:
        insert_rows(
            model=Result,
            fields=_RESULT_FIELDS,
            rows=[_result_row(line_item.pk, lid, by_learner[lid], now) for lid in new_learners],
        )
        new_ids = dict(
            Result.objects.filter(line_item=line_item, learner_id__in=new_learners).values_list(
                "learner_id", "id"
            )
        )
        revision_rows += [
            _revision_row(new_ids[lid], 1, by_learner[lid], now) for lid in new_learners
        ]
    if changed_results:
        Result.objects.bulk_update(
            changed_results,
            [*_CONTENT_FIELDS, "fetched_at", "revision"],
        )
    revision_rows += [
        _revision_row(r.pk, r.revision, by_learner[r.learner_id], now) for r in changed_results
    ]
    insert_rows(model=ResultRevision, fields=_REVISION_FIELDS, rows=revision_rows)
    outcome.new, outcome.changed = len(new_learners), len(changed_results)
    outcome.learner_ids = {*new_learners, *(r.learner_id for r in changed_results)}
    return outcome
