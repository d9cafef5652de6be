"""The Celery app of the task log-context test: the project's app, plus one task that stores
the log context it ran with in Redis (`celery -A tests.config.log_probe_worker worker`)."""

from __future__ import annotations

import json

import redis
from django.conf import settings

from config.celery import app
from config.log_context import current

PROBE = "tests.config.store_log_context"


@app.task(name=PROBE)
def store_log_context(*, course_id: int, key: str) -> None:
    redis.Redis.from_url(settings.REDIS_URL).set(key, json.dumps(current()), ex=120)


__all__ = ["app"]
