"""A Celery worker imports the URL modules, compiles the schema check and fills the JSON-LD
context memo before its first task, in its main process, without opening a database or cache
connection (ADR 0096); it freezes what it holds before it forks a pool process (ADR 0099)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, sys
import django
django.setup()
from celery.signals import worker_before_create_process, worker_init
import config.celery  # what `celery -A config worker` imports
from credentials import schema
from credentials.jsonld_contexts import CONTEXTS
from django.core.cache import caches
from django.db import connections
from django.urls import get_resolver

def warm():
    return [
        get_resolver()._populated,
        schema._fast_accepts.cache_info().currsize,
        len(CONTEXTS.processed) > 0,
    ]

before = warm()
worker_init.send(sender=None)
after = warm()
frozen_before = gc.get_freeze_count()
worker_before_create_process.send(sender=None)
print(json.dumps({
    "before": before,
    "after": after,
    "views_imported": "rubrics.views_editor" in sys.modules,
    "db_connections": [c.connection is not None for c in connections.all()],
    "caches_opened": [a for a in caches if getattr(caches._connections, a, None) is not None],
    "frozen": [frozen_before, gc.get_freeze_count()],
}))
"""


def _run_probe(code: str, tmp_path) -> dict:
    """Run `code` in a fresh interpreter (this test process has long imported and compiled
    everything); the JSON object it prints last."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_worker_signal_warms_the_process_without_a_database_connection(tmp_path):
    seen = _run_probe(PROBE, tmp_path)
    assert seen["before"] == [False, 0, False]  # nothing warm until the worker starts
    assert seen["after"] == [True, 1, True]
    assert seen["views_imported"]
    # A forked pool process would share them.
    assert not any(seen["db_connections"])
    assert seen["caches_opened"] == []
    # Nothing is frozen at start; before a fork, what the main process holds is.
    frozen_before, frozen_after = seen["frozen"]
    assert frozen_before == 0
    assert frozen_after > 100_000


# gunicorn.conf.py's hook, as a gunicorn worker calls it once its application is loaded.
WEB_PROBE = """
import gc, json, runpy
import config.wsgi  # what the worker loads: Django set up, no URL module imported yet
from django.urls import get_resolver

before = [get_resolver()._populated, gc.get_freeze_count()]
runpy.run_path("gunicorn.conf.py")["post_worker_init"](None)
print(json.dumps({"before": before, "after": [get_resolver()._populated, gc.get_freeze_count()]}))
"""


def test_a_web_worker_warms_and_freezes_once_its_application_is_loaded(tmp_path):
    seen = _run_probe(WEB_PROBE, tmp_path)
    assert seen["before"] == [False, 0]
    populated, frozen = seen["after"]
    assert populated
    assert frozen > 100_000
