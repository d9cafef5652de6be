"""A real `celery worker` process for tests: started on the test database, waited for until
it answers a ping, stopped with its whole process group. The end-to-end fixture
(tests/conftest.py) and the broker-outage test (tests/outage/) share it.

Under pytest-xdist each test process has a test database (test_<name>_gwN) and a Redis
database (config/settings_test.py) of its own: the worker it starts reads the one and consumes
from the other, so it never takes another test process's tasks."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """The URL of the test database pytest-django created (the worker is another process)."""
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


test_database_url.__test__ = False  # a helper, not a test pytest should collect


def start_worker(
    *,
    redis_url: str,
    public_base_url: str,
    concurrency: int,
    app: str = "config",
    log: IO[str] | None = None,
) -> subprocess.Popen:
    """`log`: a file the worker writes its lines to, each task's received, succeeded, retried
    or failed included (INFO), for the test to show when it fails. A worker's output is
    otherwise lost: it inherits the descriptors pytest captured while the fixture started it,
    which pytest no longer reads once the test runs."""
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": redis_url,
        "LMS_SANDBOX": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "CELERY_WORKER": "1",
        "PUBLIC_BASE_URL": public_base_url,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            app,
            "worker",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "-c",
            str(concurrency),
            "--loglevel=INFO" if log is not None else "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT if log is not None else None,
    )


def worker_log_tail(path: Path, lines: int = 120) -> str:
    """The last `lines` of a worker's log file, for a failing test's report."""
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def wait_until_answers(proc: subprocess.Popen, timeout: float = 60) -> None:
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"celery worker exited (code {proc.returncode})")
        try:
            if app.control.ping(timeout=0.5):
                return
        except Exception:  # noqa: BLE001 - the broker may still be coming up
            time.sleep(0.5)
    pytest.fail("celery worker did not answer a ping")


def stop_worker(proc: subprocess.Popen) -> None:
    # A test may have killed the worker itself (a crash under test): nothing to stop.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
