"""The broker (Redis) dies under a running Celery worker (issue 12, H4): the worker keeps
trying to reconnect instead of exiting, and once Redis is back it runs the next task; while
the broker is down, queueing a task from a request does not raise.

A real `celery worker` process on the PostgreSQL test database, its broker a redis-server this
test owns and kills (tests/outage/conftest.py).
"""

from __future__ import annotations

import time

import pytest

from awarding import dispatch
from awarding.models import Award
from tests.awarding.scenario import build
from tests.celery_worker import start_worker, stop_worker, wait_until_answers
from tests.e2e.story import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(redis_backed, live_server):
    proc = start_worker(redis_url=redis_backed.url, public_base_url=live_server.url, concurrency=1)
    try:
        wait_until_answers(proc)
        yield proc
    finally:
        stop_worker(proc)


def test_worker_survives_a_broker_restart_and_runs_the_next_task(worker, redis_backed):
    from assessments.tasks import request_sync

    sc = build()
    learner = sc.add_learners(1)[0]
    sc.grade_all(learner, 1.0)

    redis_backed.kill()
    time.sleep(3)  # the worker notices: its consumer loses the connection
    assert worker.poll() is None, "the worker exited when the broker went away"

    # Queueing while the broker is down: a page's request goes on (the sync is not queued).
    sc.course.lineitems_url = "http://127.0.0.1:9/lineitems"
    sc.course.save(update_fields=["lineitems_url"])
    started = time.monotonic()
    assert request_sync(course_id=sc.course.pk, trigger="launch") is False
    assert time.monotonic() - started < 5

    time.sleep(5)  # down long enough for several reconnection attempts
    assert worker.poll() is None, "the worker gave up on the broker"
    redis_backed.start()
    wait_until_answers(worker)

    dispatch.enqueue_evaluation(rule_id=sc.rule.pk, learner_ids=[learner.pk], trigger="restart")
    wait_for(
        lambda: Award.objects.filter(learner=learner, state=Award.State.ISSUED).exists(),
        timeout=120,
        what="the worker to issue the award after the broker came back",
    )
    assert worker.poll() is None
