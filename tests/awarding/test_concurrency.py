"""Exactly once under contention: 8 concurrent evaluations of each of 50 learners, in threads
with their own PostgreSQL connections, issue exactly 50 credentials."""

import json
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from audit.events import record_event
from audit.models import AuditEvent
from audit.verify import verify_chain
from awarding.award_issuance import issue_award, issue_awards
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


def test_concurrent_batches_share_the_audit_chain_and_status_list_correctly(transactional_db):
    """Batches issued side by side (ADR 0070): overlapping batches in different orders, and
    other audit writers at the same time. Each award is issued once, no status index is
    shared, and the audit chain stays one unbroken chain with one `award.issued` per award."""
    sc = build()
    learners = sc.add_learners(30)
    for learner in learners:
        sc.grade_all(learner, 0.9)
    report = evaluate_learners(
        rule=sc.rule, learner_ids=[learner.pk for learner in learners], trigger="race"
    )
    award_ids = report.to_issue
    assert len(award_ids) == 30
    batches = []
    for n in range(6):  # every award in two batches, each batch in its own order
        batch = award_ids[(n % 3) * 10 : (n % 3) * 10 + 10] + award_ids[((n + 1) % 3) * 10 :][:5]
        random.Random(n).shuffle(batch)
        batches.append(batch)
    start = threading.Barrier(len(batches) + 2)

    def issue(batch: list[int]) -> list[int]:
        try:
            start.wait()
            return issue_awards(award_ids=batch).issued
        finally:
            connection.close()

    def other_writer(n: int) -> list[int]:
        try:
            start.wait()
            for i in range(10):
                record_event(
                    actor=f"test:{n}", action="rubric.created", object_type="t", object_id=str(i)
                )
            return []
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(batches) + 2) as pool:
        jobs = [pool.submit(issue, b) for b in batches]
        jobs += [pool.submit(other_writer, n) for n in range(2)]
        issued = [award_id for job in jobs for award_id in job.result()]

    assert sorted(issued) == sorted(award_ids)  # each award issued by exactly one batch
    assert Credential.objects.count() == 30
    pairs = set(Credential.objects.values_list("status_list_id", "status_index"))
    assert len(pairs) == 30
    assert AuditEvent.objects.filter(action="award.issued").count() == 30
    assert AuditEvent.objects.filter(actor__startswith="test:").count() == 20
    chain = verify_chain()
    assert chain.ok, chain
    assert chain.checked == AuditEvent.objects.count()


def test_concurrent_evaluations_of_overlapping_chunks_each_issue_once_in_their_own_transaction(
    transactional_db,
):
    """Evaluation tasks issue what they reserve in their own transaction (ADR 0098): chunks of
    learners that overlap, evaluated side by side, block on each other's inserts and never
    deadlock, and every learner gets exactly one credential."""
    from awarding.evaluation_run import evaluate_and_issue as evaluate_chunk

    sc = build()
    learners = sc.add_learners(40)
    for learner in learners:
        sc.grade_all(learner, 0.9)
    ids = [learner.pk for learner in learners]
    rng = random.Random(98)
    chunks = [sorted(rng.sample(ids, 12)) for _ in range(24)] + [ids]
    rng.shuffle(chunks)
    start = threading.Barrier(8)

    def run(chunk: list[int]) -> list[int]:
        try:
            rule = AwardingRule.objects.select_related(
                "course__platform", "achievement__platform"
            ).get(pk=sc.rule.pk)
            done = evaluate_chunk(rule=rule, learner_ids=chunk, trigger="race")
            # What the task queues for the rest (earlier runs' pending awards) runs here.
            return done.issued + issue_awards(award_ids=done.left_to_issue).issued
        finally:
            connection.close()

    def first(chunk: list[int]) -> list[int]:
        start.wait()  # the first 8 start at the same instant
        return run(chunk)

    with ThreadPoolExecutor(max_workers=8) as pool:
        issued = [award_id for got in pool.map(first, chunks[:8]) for award_id in got]
        issued += [award_id for got in pool.map(run, chunks[8:]) for award_id in got]

    assert sorted(issued) == sorted(Award.objects.values_list("pk", flat=True))
    assert Award.objects.filter(state=Award.State.ISSUED).count() == 40
    assert Credential.objects.count() == 40
    assert len(set(Credential.objects.values_list("status_list_id", "status_index"))) == 40
    assert verify_chain().ok
