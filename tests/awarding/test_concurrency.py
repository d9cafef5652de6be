"""Exactly once under contention: 8 concurrent evaluations of each of 50 learners, in threads
with their own PostgreSQL connections, issue exactly 50 credentials."""

import json
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from awarding.award_issuance import issue_award
from awarding.decide import evaluate_learners
from awarding.models import Award, AwardingRule, Decision
from credentials.local_verification import verify_credential
from credentials.models import Credential

from .scenario import build

pytestmark = [
    pytest.mark.postgres,
]

LEARNERS = 50
CONCURRENT = 8


def test_concurrent_evaluations_issue_exactly_one_credential_per_learner(transactional_db):
    sc = build()
    learners = sc.add_learners(LEARNERS)
    for learner in learners:
        sc.grade_all(learner, 0.9)
    rule_id = sc.rule.pk
    jobs = [learner.pk for learner in learners for _ in range(CONCURRENT)]
    random.Random(6).shuffle(jobs)
    start = threading.Barrier(16)

    def evaluate_and_issue(learner_id: int) -> int:
        # What a worker does for one learner: decide, then issue what the decision reserved.
        try:
            rule = AwardingRule.objects.select_related("course", "achievement").get(pk=rule_id)
            report = evaluate_learners(rule=rule, learner_ids=[learner_id], trigger="race")
            return sum(issue_award(award_id=a)[1] for a in report.to_issue)
        finally:
            connection.close()

    def first(learner_id: int) -> int:
        start.wait()  # the first 16 jobs start at the same instant
        return evaluate_and_issue(learner_id)

    with ThreadPoolExecutor(max_workers=16) as pool:
        issued_now = list(pool.map(first, jobs[:16])) + list(
            pool.map(evaluate_and_issue, jobs[16:])
        )

    assert sum(issued_now) == LEARNERS  # exactly one caller issued each award
    assert Decision.objects.count() == LEARNERS * CONCURRENT
    assert Award.objects.count() == LEARNERS
    assert Award.objects.filter(state=Award.State.ISSUED).count() == LEARNERS
    assert Credential.objects.count() == LEARNERS
    assert set(Credential.objects.values_list("pk", flat=True)) == set(
        Award.objects.values_list("uuid", flat=True)
    )
    for credential in Credential.objects.all()[:5]:
        assert verify_credential(json.loads(credential.document)).ok
