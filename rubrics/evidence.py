"""load_evidence: the results bound to a version's criteria, as plain Observations.

Every stored revision of a result is evidence (a teacher may regrade): the policy's
"latest" or "highest" then picks among them. Two queries, whatever the number of learners.
A column deleted in the LMS is no evidence any more: its stored grades describe a column
that no longer exists (see `deleted_bindings`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from assessments.models import Result, ResultRevision

from .models import RubricVersion
from .spec import Observation

Evidence = dict[int, dict[str, list[Observation]]]


def load_evidence(
    *,
    version: RubricVersion,
    learner_ids: Iterable[int] | None = None,
    key_by_item: dict[int, str] | None = None,
) -> Evidence:
    """learner id -> criterion key -> observations, for the criteria bound to a line item
    (or, for a preview of unsaved edits, for the bindings `key_by_item` names)."""
    if key_by_item is None:
        key_by_item = dict(
            version.criteria.filter(
                line_item__isnull=False, line_item__deleted_in_lms=False
            ).values_list("line_item_id", "key")
        )
    out: Evidence = defaultdict(lambda: defaultdict(list))
    if not key_by_item:
        return {}
    results = Result.objects.filter(
        line_item_id__in=list(key_by_item), line_item__course_id=version.rubric.course_id
    )
    if learner_ids is not None:
        results = results.filter(learner_id__in=list(learner_ids))
    rows = list(
        results.values_list(
            "id",
            "line_item_id",
            "learner_id",
            "score",
            "maximum",
            "lms_timestamp",
            "revision",
            "comment",
        )
    )
    owner = {r[0]: (r[1], r[2]) for r in rows}
    seen: set[tuple[int, int]] = set()
    if owner:
        # Oldest revision first: the decision's stored snapshot reads as the result's history
        # (the evaluation itself picks by timestamp or score, not by position). Without an
        # order PostgreSQL returns rows as they lie on disk, which an update reshuffles.
        revisions = (
            ResultRevision.objects.filter(result_id__in=list(owner))
            .order_by("result_id", "number")
            .values_list("result_id", "number", "score", "maximum", "lms_timestamp", "comment")
        )
        for result_id, number, score, maximum, ts, comment in revisions.iterator(chunk_size=5000):
            item_id, learner_id = owner[result_id]
            out[learner_id][key_by_item[item_id]].append(
                Observation(score, maximum, ts, result_id, number, comment)
            )
            seen.add((result_id, number))
    for result_id, item_id, learner_id, score, maximum, ts, revision, comment in rows:
        if (result_id, revision) not in seen:
            out[learner_id][key_by_item[item_id]].append(
                Observation(score, maximum, ts, result_id, revision, comment)
            )
    return {learner: dict(by_key) for learner, by_key in out.items()}


def deleted_bindings(*, version: RubricVersion) -> list[tuple[str, str, str]]:
    """(criterion key, criterion title, column label) of each criterion whose bound gradebook
    column was deleted in the LMS: the version cannot be met until it is bound again."""
    return list(
        version.criteria.filter(line_item__deleted_in_lms=True)
        .order_by("position", "pk")
        .values_list("key", "title", "line_item__label")
    )


def deleted_binding_reason(key: str, title: str, label: str) -> str:
    """What an instructor reads about a criterion whose column was deleted in the LMS."""
    return (
        f"{key}: its gradebook column “{label}” (criterion “{title}”) was deleted in the LMS; "
        "no credential is awarded on this rubric until the criterion is bound to a column "
        "again (recreate the column, or bind another one in a new rubric version)"
    )
