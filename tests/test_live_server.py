"""The tests' live server leaves no request thread behind when it stops (tests/live_server.py):
a thread that outlived it would later close a database connection it may no longer use. It and
the tests' own servers answer without Nagle's delay (tests/http_servers.py)."""

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


def test_the_live_server_answers_without_nagles_delay():
    """Each accepted connection has TCP_NODELAY (tests/http_servers.py: ~45 ms an answer)."""
    from django.core.servers.basehttp import WSGIRequestHandler

    from tests.live_server import JoiningWSGIServer

    server = JoiningWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    client = socket.create_connection(server.server_address, timeout=10)
    try:
        accepted, _ = server.get_request()
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        client.close()
        server.server_close()


def test_the_tests_own_servers_answer_without_nagles_delay():
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from tests.http_servers import answer_without_delay

    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    plain = socket.create_connection(server.server_address, timeout=10)
    answer_without_delay(server)
    client = socket.create_connection(server.server_address, timeout=10)
    try:
        before, _ = ThreadingHTTPServer.get_request(server)  # the standard library's accept
        after, _ = server.get_request()
        with before, after:
            assert before.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
            assert after.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        plain.close()
        client.close()
        server.server_close()
