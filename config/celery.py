"""Celery application. Without REDIS_URL, tasks run in-process (eager) — see settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("credbridge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Log lines of a task carry its id, course and the request that queued it; a worker imports
# the URL modules when it starts, not in its first task (config/worker_warmup.py).
from . import task_log_context, worker_warmup  # noqa: E402,F401
