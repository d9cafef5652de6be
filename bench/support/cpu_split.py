"""The LMS and the tool on separate CPUs, as they are on separate machines in production.

bench/sync.py serves the sandbox LMS from a server on this machine, and its database is the
tool's. On two shared cores the LMS producing its pages (about 6 s of CPU for 100,000
results) and the tool storing them compete for the same CPU, so the sync's ratio to the bare
download measured the machine's total CPU rather than whether the tool keeps pace with the
LMS (ADR 0087). Split, the LMS side — its server, the server's workers, and the PostgreSQL
backends serving them — runs on the first half of this process's CPUs; the tool side — this
process (the sync and the bare download alike) and its own backends — on the other half.

Backends are told apart by `application_name` (libpq reads `PGAPPNAME` from each side's
environment) and pinned by a thread that looks at `pg_stat_activity` every 50 ms: the
connections are persistent (CONN_MAX_AGE), so each is pinned within its first request. The
database's shared processes (WAL writer, checkpointer) are left where the system puts them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

LMS_APP = "credbridge-bench-lms"
TOOL_APP = "credbridge-bench-tool"
INTERVAL_S = 0.05


class CpuSplit:
    """`lms_cpus` and `tool_cpus`; `server_preexec` pins a server as it starts (its workers
    inherit it); `start` pins this process and, from then on, the backends."""

    def __init__(self, conninfo: str | None) -> None:
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            raise SystemExit("--cores split needs at least two CPUs")
        half = len(cpus) // 2
        self.all_cpus = set(cpus)
        self.lms_cpus, self.tool_cpus = set(cpus[:half]), set(cpus[half:])
        self._conninfo = conninfo  # PostgreSQL only; SQLite has no backends to pin
        self._pinned: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def server_preexec(self) -> Callable[[], None]:
        cpus = self.lms_cpus
        return lambda: os.sched_setaffinity(0, cpus)

    def start(self) -> None:
        # This thread's affinity; the threads it starts later (downloads, prefetchers)
        # inherit it. Call it before any of them is started.
        os.sched_setaffinity(0, self.tool_cpus)
        if self._conninfo:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    def stop(self, *, server_pid: int | None = None) -> None:
        """Every side back on every CPU: this process, the server and its workers (when
        `server_pid` is given), and the backends pinned."""
        import psutil

        self._stop.set()
        if self._thread:
            self._thread.join()
        processes = [os.getpid(), *self._pinned]
        if server_pid is not None:
            server = psutil.Process(server_pid)
            processes += [server_pid, *(p.pid for p in server.children(recursive=True))]
        for pid in processes:
            try:
                # An affinity is a thread's: each of a process's threads is set on its own.
                threads = [t.id for t in psutil.Process(pid).threads()]
            except psutil.Error:  # ended meanwhile
                continue
            for tid in threads:
                try:
                    os.sched_setaffinity(tid, self.all_cpus)
                except OSError:
                    continue

    def _run(self) -> None:
        import psutil
        import psycopg

        with psycopg.connect(self._conninfo, autocommit=True, application_name="") as conn:
            while not self._stop.wait(INTERVAL_S):
                rows = conn.execute(
                    "SELECT pid, application_name FROM pg_stat_activity "
                    "WHERE application_name IN (%s, %s)",
                    [LMS_APP, TOOL_APP],
                ).fetchall()
                for pid, app in rows:
                    if self._pinned.get(pid) == app:
                        continue
                    cpus = self.lms_cpus if app == LMS_APP else self.tool_cpus
                    try:
                        # A database on another host: its pids are not this machine's.
                        if not psutil.Process(pid).name().startswith("postgres"):
                            continue
                        os.sched_setaffinity(pid, cpus)
                    except (OSError, psutil.Error):  # ended meanwhile, or not ours to pin
                        continue
                    self._pinned[pid] = app

    @property
    def backends_pinned(self) -> dict[str, int]:
        """How many backends of each side were pinned: none means the split covered the
        processes only (SQLite, a database elsewhere, or backends not ours to pin)."""
        counts = {"lms": 0, "tool": 0}
        for app in self._pinned.values():
            counts["lms" if app == LMS_APP else "tool"] += 1
        return counts
