"""The tests' live server leaves no request thread behind when it stops (tests/live_server.py):
a thread that outlived it would later close a database connection it may no longer use."""

from __future__ import annotations

import socket
import threading

import pytest

from tests.live_server import start_live_server

pytestmark = pytest.mark.django_db(transaction=True)


def test_stopping_the_live_server_ends_its_keep_alive_connections():
    before = set(threading.enumerate())
    server = start_live_server("localhost")
    client = socket.create_connection((server.thread.host, server.thread.port), timeout=10)
    try:
        client.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        head = client.recv(65536)
        assert head.startswith(b"HTTP/1.1 "), head[:80]
        assert b"connection: close" not in head.lower()  # kept alive: its thread waits on
        handlers = [t for t in set(threading.enumerate()) - before if "process_request" in t.name]
        assert handlers, "no request thread for the kept-alive connection"
        server.stop()
        assert not [t for t in handlers if t.is_alive()]
    finally:
        client.close()
