"""Serving a test's own HTTP server (a fake LMS, a key set) on a thread that stops at once.

socketserver's serve_forever() looks for a shutdown request only every `poll_interval`, half a
second by default: each server a test stopped cost it up to 0.5 s of idle teardown, and
hundreds of tests start one.
"""

from __future__ import annotations

import socketserver
import threading

POLL_INTERVAL_S = 0.01


def serve_in_thread(server: socketserver.BaseServer) -> threading.Thread:
    """Start serving `server` on a daemon thread; `server.shutdown()` returns within ~10 ms."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_INTERVAL_S}, daemon=True
    )
    thread.start()
    return thread
