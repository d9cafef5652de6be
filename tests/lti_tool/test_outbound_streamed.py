"""A body handed out as it arrives (fetch(..., stream=True)), from the attacker's side: it
is still cut at the size cap and at the deadline, and only the server's time counts."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from lti_tool import outbound
from lti_tool.outbound import DeadlineExceeded, TooLarge, fetch, streamed_body

from .listener import read_request

LOOPBACK_OK = {"private_ok": {outbound.LOOPBACK}}
FAST = 200_000  # more than three transport chunks, sent at once


def _get(server, **kwargs):
    return fetch(
        "GET", server.url, allowed_hosts=[server.host], stream=True, **LOOPBACK_OK, **kwargs
    )


def test_a_body_is_handed_out_in_chunks_and_only_the_server_s_time_counts(listen):
    body = b"a" * FAST

    def answer(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % FAST + body)
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    server = listen(answer)
    response = _get(server, deadline_s=1)
    assert response.status_code == 200 and response.content == body[:65536]
    chunks = []
    for chunk in streamed_body(response):
        chunks.append(chunk)
        time.sleep(0.4)  # the reader storing what it got: 1.6 s in all, past the deadline
    assert len(chunks) == 4 and b"".join(chunks) == body
    # Read to its end, the connection went back to the pool and serves the next call.
    assert fetch("GET", server.url, allowed_hosts=[server.host], **LOOPBACK_OK).content == b"ok"
    assert server.accepted == 1


def test_one_watchdog_watches_a_streamed_body_whatever_its_chunks_and_ends_with_it(listen):
    def answer(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % FAST + b"c" * FAST)

    def watchdogs() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "outbound-deadline"]

    server = listen(answer)
    before = set(watchdogs())
    response = _get(server, deadline_s=5)
    seen = set()
    for _ in streamed_body(response):
        seen |= set(watchdogs()) - before
    # A thread per chunk cost more CPU than the chunk's decoding (a Moodle column: ~60).
    assert len(seen) == 1
    (watchdog,) = seen
    watchdog.join(timeout=5)
    assert not watchdog.is_alive()


def test_a_streamed_body_trickled_after_its_first_chunk_is_cut_at_the_deadline(listen):
    def answer(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % FAST)
        conn.sendall(b"b" * 70_000)
        for _ in range(100):
            conn.sendall(b"b")
            time.sleep(0.5)

    server = listen(answer)
    started = time.monotonic()
    response = _get(server, deadline_s=1.5)
    with pytest.raises(DeadlineExceeded):
        for _ in streamed_body(response):
            pass
    assert time.monotonic() - started < 2.5


def test_a_streamed_body_trickled_from_its_start_is_cut_before_it_is_handed_out(listen):
    def answer(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n")
        for _ in range(500):
            conn.sendall(b" ")
            time.sleep(0.5)

    server = listen(answer)
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        _get(server, deadline_s=1)
    assert time.monotonic() - started < 2


def test_a_streamed_body_over_the_cap_is_cut_declared_or_not(listen):
    declared = listen(
        lambda c: (
            read_request(c),
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + b"z" * 5000),
        )
    )
    with pytest.raises(TooLarge, match="4096"):
        _get(declared, max_bytes=4096)

    def chunked(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(400):  # 400 KB, never declared
            conn.sendall(b"400\r\n" + b"z" * 1024 + b"\r\n")
        conn.sendall(b"0\r\n\r\n")

    undeclared = listen(chunked)
    response = _get(undeclared, max_bytes=150_000)
    handed_out = 0
    with pytest.raises(TooLarge):
        for chunk in streamed_body(response):
            handed_out += len(chunk)
    assert handed_out <= 150_000  # the chunk that passes the cap is not handed out
    small = listen(chunked)
    with pytest.raises(TooLarge):  # a cap under the first chunk: refused before it
        _get(small, max_bytes=4096)


def test_an_error_answer_and_a_compressed_body_are_read_whole(listen):
    server = listen(
        lambda c: (
            read_request(c),
            c.sendall(b"HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy"),
        )
    )
    response = _get(server)
    assert response.status_code == 503 and response.content == b"busy"
    assert streamed_body(response) is None
