"""A Celery worker imports the URL modules and compiles the schema check before its first
task, in its main process, without opening a database connection (ADR 0095)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# In a fresh interpreter: this test process has long imported and compiled everything.
PROBE = """
import json, sys
import django
django.setup()
from celery.signals import worker_init
import config.celery  # what `celery -A config worker` imports
from credentials import schema
from django.db import connections
from django.urls import get_resolver

before = [get_resolver()._populated, schema._fast_accepts.cache_info().currsize]
worker_init.send(sender=None)
print(json.dumps({
    "before": before,
    "after": [get_resolver()._populated, schema._fast_accepts.cache_info().currsize],
    "views_imported": "rubrics.views_editor" in sys.modules,
    "db_connections": [c.connection is not None for c in connections.all()],
}))
"""


def test_the_worker_signal_warms_the_process_without_a_database_connection(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["before"] == [False, 0]  # nothing warm until the worker starts
    assert seen["after"] == [True, 1]
    assert seen["views_imported"]
    assert not any(seen["db_connections"])  # a forked pool process would share it
