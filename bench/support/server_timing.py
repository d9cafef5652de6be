"""The tool's WSGI application as the launch bench serves it: each answer carries its own
server-side time and query count (`X-Bench-Queries`: the queries sent to the database, each a
round trip; statements sent together in one, lti_tool.prepared_reads.read_together, count
once), so the bench can add up the tool's share of a launch.

    gunicorn --pythonpath bench support.server_timing:application

Server-side means from the moment the WSGI server hands over the request to the moment
Django starts the answer (Django builds the whole body first for these pages): middleware,
view, templates, database and cache, without the network and the client. Two figures:

- `app;dur=`: wall-clock milliseconds. On a busy machine this includes every wait for a
  core and for the GIL (the other threads of the worker, the LMS, the client, other people's
  work), so it grows with the load, not only with what the answer does.
- `cpu;dur=`: the CPU milliseconds of the thread that ran the answer (`time.thread_time()`):
  the tool's own Python work for this answer, which waiting does not inflate. The work the
  database and Redis do in their own processes is not in it (their round trips are in `app`).

`X-Bench-Busy` says how many other answers the same worker process was running when this one
started: with threaded workers they share the process's GIL, and an answer that starts beside
another waits for it at every round trip (ADR 0085), so the bench can tell whether the launches
and the /healthz they are compared with ran under the same contention.

Bench only: the production server runs config.wsgi and sends none of these headers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

from config.wsgi import application as django_application

QUERIES_HEADER = "X-Bench-Queries"
BUSY_HEADER = "X-Bench-Busy"

_running = 0  # answers in progress in this worker process
_running_lock = threading.Lock()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    global _running
    queries = 0
    with _running_lock:
        busy = _running
        _running += 1

    def count(execute, sql, params, many, context):  # noqa: ANN001 - Django's wrapper shape
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    t0 = time.perf_counter()
    cpu0 = time.thread_time()

    def timed_start_response(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
        elapsed_ms = (time.perf_counter() - t0) * 1000
        cpu_ms = (time.thread_time() - cpu0) * 1000
        headers = [
            *headers,
            ("Server-Timing", f"app;dur={elapsed_ms:.3f}, cpu;dur={cpu_ms:.3f}"),
            (QUERIES_HEADER, str(queries)),
            (BUSY_HEADER, str(busy)),
        ]
        return start_response(status, headers, *exc_info)

    # `connection` is this thread's: gthread workers run one request per thread at a time.
    try:
        with connection.execute_wrapper(count):
            return django_application(environ, timed_start_response)
    finally:
        with _running_lock:
            _running -= 1
