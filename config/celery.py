"""Celery application. Without REDIS_URL, tasks run in-process (eager) — see settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("credbridge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Log lines of a task carry its id, course and the request that queued it.
from . import task_log_context  # noqa: E402,F401
