"""CPU time of the processes behind bench/award.py's per-credential figures.

On a two-core machine two workers can only go twice as fast as one when what each credential
costs elsewhere is small: the PostgreSQL backends serving the bench database, Redis, the
server (the sandbox LMS's pages, the post-backs) and this bench process (the sync, the
polling). The workers and the server are process trees (`tree_cpu_s`). PostgreSQL's backends
come and go with connections, so a thread samples the ones whose title names the bench
database and keeps each one's last CPU figure; a backend living less than one sampling
interval is missed (the workers' and the server's connections are persistent).
"""

from __future__ import annotations

import subprocess
import threading

import psutil

INTERVAL_S = 0.1


def _cpu(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return times.user + times.system


def tree_cpu_s(procs: list[subprocess.Popen]) -> float:
    """CPU seconds (user + system) used so far by these processes and their children (a
    Celery worker's pool, a gunicorn server's workers)."""
    total = 0.0
    for p in procs:
        try:
            main = psutil.Process(p.pid)
            total += sum(_cpu(proc) for proc in [main, *main.children(recursive=True)])
        except psutil.NoSuchProcess:
            continue
    return total


class BackendCpu:
    """CPU seconds used by the PostgreSQL backends of one database while running."""

    def __init__(self, db_name: str) -> None:
        self.db_name = db_name
        self.start_cpu: dict[int, float] = {}
        self.last_cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _backends(self) -> dict[int, float]:
        seen = {}
        for proc in psutil.process_iter(["cmdline"]):
            try:
                title = " ".join(proc.info["cmdline"] or ())
                if title.startswith("postgres:") and f" {self.db_name} " in title:
                    seen[proc.pid] = _cpu(proc)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return seen

    def _run(self) -> None:
        while not self._stop.wait(INTERVAL_S):
            self.last_cpu.update(self._backends())

    def __enter__(self) -> BackendCpu:
        self.start_cpu = self._backends()
        self.last_cpu = dict(self.start_cpu)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.last_cpu.update(self._backends())

    def seconds(self) -> float:
        return sum(cpu - self.start_cpu.get(pid, 0.0) for pid, cpu in self.last_cpu.items())


def redis_cpu_s() -> float:
    """CPU seconds used so far by the Redis server (shared: other users' commands count too)."""
    total = 0.0
    for proc in psutil.process_iter(["name"]):
        if proc.info["name"] == "redis-server":
            try:
                total += _cpu(proc)
            except psutil.NoSuchProcess:
                continue
    return total
