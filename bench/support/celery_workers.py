"""Celery worker processes for bench/award.py: their environment, start, stop and CPU time.

Called after the bench has configured Django (its settings name the database and Redis).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent


def worker_env(db_name: str, *, public_base_url: str) -> dict:
    db = settings.DATABASES["default"]
    url = (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT'] or 5432}"
        f"/{db_name}"
    )
    return {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
        "PUBLIC_BASE_URL": public_base_url,
        "LMS_SANDBOX": "1",
        "LTI_ALLOW_HTTP_PLATFORMS": "1",  # the sandbox is served over http
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # The learners' emails are composed and sent, into memory rather than the console.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def start_workers(n: int, env: dict) -> list[subprocess.Popen]:
    from config.celery import app

    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                settings.CELERY_TASK_DEFAULT_QUEUE,
                "-c",
                "1",
                "-n",
                f"bench{i}-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--loglevel={os.environ.get('BENCH_WORKER_LOGLEVEL', 'WARNING')}",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,  # the banner
        )
        for i in range(n)
    ]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5) or []
        if len(replies) >= n:
            return procs
        if any(p.poll() is not None for p in procs):
            break
    stop_workers(procs)
    raise SystemExit("celery workers did not start")


def stop_workers(procs: list[subprocess.Popen]) -> None:
    import signal

    for p in procs:
        if p.poll() is None:
            os.kill(p.pid, signal.SIGTERM)  # warm shutdown: running tasks finish first
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
