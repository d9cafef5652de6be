"""The live server of the tests: pytest-django's, except that it finishes its request threads
before it stops and answers without Nagle's delay (tests/http_servers.py says why).

Django's ThreadedWSGIServer handles each connection in a daemon thread and does not wait for
them when it closes; a keep-alive connection (a browser's, a requests.Session's) keeps its
thread waiting for a next request after the server has stopped. With in-memory SQLite the
server threads share the test's database connection only while the server runs: such a
thread, woken at last when its client goes away (often at interpreter exit), closes the
connection it no longer may use and dies with "DatabaseWrapper objects created in a thread can
only be used in that same thread". Here the server ends those connections and joins their
threads while the sharing is still on.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from django.core.servers.basehttp import ThreadedWSGIServer
from pytest_django.live_server_helper import LiveServer

from tests.http_servers import without_nagle

# A request still being handled gets this long to finish after its socket is shut down.
JOIN_TIMEOUT_S = 30.0


class JoiningWSGIServer(ThreadedWSGIServer):
    """A ThreadedWSGIServer whose server_close() ends open connections and joins their threads."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._open_lock = threading.Lock()
        self._open: dict[socket.socket, threading.Thread] = {}

    def get_request(self):
        # Nagle's delay cost every answer ~45 ms of idle time (tests/http_servers.py).
        request, client_address = super().get_request()
        without_nagle(request)
        return request, client_address

    def process_request_thread(self, request, client_address) -> None:
        with self._open_lock:
            self._open[request] = threading.current_thread()
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.pop(request, None)

    def server_close(self) -> None:
        super().server_close()
        with self._open_lock:
            still_open = dict(self._open)
        for sock in still_open:
            # Wakes a handler waiting for the next keep-alive request: it reads EOF and ends.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in still_open.values():
            thread.join(JOIN_TIMEOUT_S)


def start_live_server(addr: str) -> LiveServer:
    """pytest-django's LiveServer on a JoiningWSGIServer, started."""
    server = LiveServer(addr, start=False)
    server.thread.server_class = JoiningWSGIServer
    server.start()
    return server
