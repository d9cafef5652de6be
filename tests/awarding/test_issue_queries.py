"""Queries per issued credential: issuing a batch must not grow into one query per row read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awarding.decide import evaluate_learners
from awarding.models import Award
from awarding.tasks import issue_awards_task

from .scenario import build

pytestmark = pytest.mark.django_db

# What issuing one credential of a batch costs in queries (after the batch's first award has
# warmed the per-process caches). Lower it when you remove queries; never raise it silently.
MAX_QUERIES_PER_CREDENTIAL = 99


def test_queries_per_issued_credential_do_not_regress():
    sc = build()
    sc.add_learners(6)
    for learner in sc.learners:
        sc.grade_all(learner, 1.0)
    report = evaluate_learners(
        rule=sc.rule, learner_ids=[learner.pk for learner in sc.learners], trigger="test"
    )
    award_ids = sorted(report.to_issue)
    assert len(award_ids) == 6
    issue_awards_task.apply(kwargs={"award_ids": award_ids[:1]})  # warms the caches
    with CaptureQueriesContext(connection) as queries:
        issue_awards_task.apply(kwargs={"award_ids": award_ids[1:]})
    assert Award.objects.filter(state=Award.State.ISSUED).count() == 6
    per_credential = len(queries) / 5
    print(f"queries per issued credential: {per_credential:.1f}")
    for q in queries.captured_queries:
        print(q["sql"][:160])
    assert per_credential <= MAX_QUERIES_PER_CREDENTIAL
