"""Starting the tool + sandbox LMS for a bench: a free port, and the production server."""

from __future__ import annotations

import socket
import sys


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_argv(*, port: int, workers: int, threads: int) -> list[str]:
    """gunicorn with threaded workers, on 127.0.0.1:`port`. Not what the Procfile runs: it
    starts gunicorn's default sync workers, one answer per process (ADR 0085 measures what
    the difference does to the launch's wall time)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "-k",
        "gthread",
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
