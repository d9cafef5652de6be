"""Starting the tool + sandbox LMS for a bench: a free port, and the production server."""

from __future__ import annotations

import socket
import sys


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_argv(*, port: int, workers: int, threads: int) -> list[str]:
    """gunicorn on 127.0.0.1:`port`. `threads=1` is what the Procfile runs: gunicorn's default
    sync workers, one answer per process at a time; more gives threaded (gthread) workers,
    whose threads share their process's GIL (ADR 0085 measures what that does to the launch's
    wall time)."""
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "--log-level",
        "warning",
    ]
    # gunicorn quietly turns `sync` with --threads > 1 into gthread: say which one is meant.
    if threads > 1:
        argv += ["-k", "gthread", "--threads", str(threads)]
    else:
        argv += ["-k", "sync"]
    return argv
