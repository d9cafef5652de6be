"""In a real worker, a task's log lines name the task, its course and the request that
queued it (the request id travels in the message)."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import redis

from config.celery import app
from config.log_context import bound

from .log_probe_worker import PROBE


@pytest.fixture
def celery_worker_app() -> str:
    return "tests.config.log_probe_worker"


@pytest.mark.celery_worker
def test_a_worker_binds_the_queuing_request_id_the_task_and_its_course(celery_worker, settings):
    key = f"log-probe-{uuid.uuid4().hex}"
    with bound(request_id="req-from-web-0042"):
        result = app.send_task(
            PROBE,
            kwargs={"course_id": 42, "key": key},
            queue=settings.CELERY_TASK_DEFAULT_QUEUE,
        )
    client = redis.Redis.from_url(settings.REDIS_URL)
    deadline = time.monotonic() + 30
    while (stored := client.get(key)) is None:
        assert time.monotonic() < deadline, "the probe task did not run"
        time.sleep(0.2)
    client.delete(key)
    assert json.loads(stored) == {
        "request_id": "req-from-web-0042",
        "task_id": result.id,
        "task": PROBE,
        "course_id": 42,
    }
