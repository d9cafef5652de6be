"""What bench/sync.py measures beside wall time: this process's peak RSS, and the CPU of the
server (the sandbox LMS) and of the database's backends."""

from __future__ import annotations

import threading


class PeakRSS:
    """Samples this process's RSS every 20 ms in a thread."""

    def __init__(self) -> None:
        import psutil

        self.proc = psutil.Process()
        self.peak = self.start = self.proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


class OtherCPU:
    """CPU seconds used so far by the server (gunicorn and its workers) and by the database's
    backends for this bench's database (PostgreSQL; a backend that ended is not counted)."""

    def __init__(self, server_pid: int) -> None:
        import psutil

        self.psutil = psutil
        self.server = psutil.Process(server_pid)

    @staticmethod
    def _cpu(procs) -> float:
        total = 0.0
        for proc in procs:
            try:
                t = proc.cpu_times()
            except Exception:  # noqa: BLE001 - ended meanwhile
                continue
            total += t.user + t.system
        return total

    def read(self) -> tuple[float, float]:
        """(server, all of the database's backends)."""
        server, by_app = self.read_by_app()
        return server, sum(by_app.values())

    def read_by_app(self) -> tuple[float, dict[str, float]]:
        """(server, the backends' CPU by the `application_name` of their client)."""
        from django.db import connection

        server = self._cpu([self.server, *self.server.children(recursive=True)])
        if connection.vendor != "postgresql":
            return server, {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, application_name FROM pg_stat_activity "
                "WHERE datname = current_database()"
            )
            rows = cursor.fetchall()
        by_app: dict[str, float] = {}
        for pid, app in rows:
            try:
                proc = self.psutil.Process(pid)
            except Exception:  # noqa: BLE001 - ended meanwhile
                continue
            by_app[app] = by_app.get(app, 0.0) + self._cpu([proc])
        return server, by_app
