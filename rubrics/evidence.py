"""load_evidence: the results bound to a version's criteria, as plain Observations.

Every stored revision of a result is evidence (a teacher may regrade): the policy's
"latest" or "highest" then picks among them. Two queries, whatever the number of learners.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from assessments.models import Result, ResultRevision

from .models import RubricVersion
from .spec import Observation

Evidence = dict[int, dict[str, list[Observation]]]


def load_evidence(*, version: RubricVersion, learner_ids: Iterable[int] | None = None) -> Evidence:
    """learner id -> criterion key -> observations, for the criteria bound to a line item."""
    key_by_item = dict(
        version.criteria.filter(line_item__isnull=False).values_list("line_item_id", "key")
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
        revisions = ResultRevision.objects.filter(result_id__in=list(owner)).values_list(
            "result_id", "number", "score", "maximum", "lms_timestamp", "comment"
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
