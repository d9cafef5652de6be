"""Starting the tool + sandbox LMS for a bench: a free port, and the production server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent.parent


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


def start_server(
    port: int, env: dict, workers: int, *, threads: int, timed: bool
) -> subprocess.Popen:
    """gunicorn (`threads=1`: as the Procfile runs it); `timed`: the WSGI app that reports
    server timing."""
    cmd = gunicorn_argv(port=port, workers=workers, threads=threads)
    if timed:
        cmd[cmd.index("config.wsgi")] = "support.server_timing:application"
        cmd += ["--pythonpath", str(ROOT / "bench")]
    log = open(Path(env["VAR_DIR"]) / "server.log", "wb")  # noqa: SIM115 - lives with the server
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit("server exited at start:\n" + server_log(env)[-3000:])
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    sys.exit("server did not answer /healthz within 60 s")


def server_log(env: dict) -> str:
    return (Path(env["VAR_DIR"]) / "server.log").read_text(errors="replace")


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGINT)  # gunicorn: quick shutdown
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
