"""Serving a test's own HTTP server (a fake LMS, a key set) on a thread that stops at once,
and answering without Nagle's delay.

socketserver's serve_forever() looks for a shutdown request only every `poll_interval`, half a
second by default: each server a test stopped cost it up to 0.5 s of idle teardown, and
hundreds of tests start one.

The standard library's HTTP servers (http.server, wsgiref, so Django's live server) write an
answer's headers and its body in separate sends on a socket with Nagle's algorithm on: the
body waits until the client acknowledges the headers, and the client delays that
acknowledgement for ~40 ms hoping to piggyback it. Every answer took ~45 ms of idle time
(49.5 ms wall for 6.3 ms of CPU per request on the live server), in every test that talks
HTTP and every page Chromium loads. Production's gunicorn sets TCP_NODELAY on its sockets; the
tests' servers now do too.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

POLL_INTERVAL_S = 0.01


def without_nagle(request: Any) -> None:
    """Turn Nagle's algorithm off on an accepted connection (a TCP socket)."""
    if isinstance(request, socket.socket) and request.family in (socket.AF_INET, socket.AF_INET6):
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def answer_without_delay(server: socketserver.BaseServer) -> None:
    """Every connection `server` accepts from now on answers without Nagle's delay."""
    accept = server.get_request

    def get_request() -> Any:
        request, address = accept()
        without_nagle(request)
        return request, address

    server.get_request = get_request  # type: ignore[method-assign]


def serve_in_thread(server: socketserver.BaseServer) -> threading.Thread:
    """Start serving `server` on a daemon thread, answering without Nagle's delay;
    `server.shutdown()` returns within ~10 ms."""
    answer_without_delay(server)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_INTERVAL_S}, daemon=True
    )
    thread.start()
    return thread


Answer = Callable[["TwoSites", str, Mapping[str, str]], tuple[dict[str, str], str]]


class TwoSites:
    """One HTML server on 127.0.0.1 reached as two sites: `lms` (http://127.0.0.1:port, the
    course page) and `tool` (http://localhost:port, in its iframe): cross-site to a browser.
    `answer(sites, path, request_headers)` gives each GET's extra headers and HTML body."""

    def __init__(self, answer: Answer) -> None:
        sites = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                headers, body = answer(sites, self.path, self.headers)
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self.server.server_port
        self.lms, self.tool = f"http://127.0.0.1:{port}", f"http://localhost:{port}"
        serve_in_thread(self.server)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
