"""The bounded outbound call, from the attacker's side: real servers on loopback ports."""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import Callable

import pytest

from lti_tool import addresses, outbound
from lti_tool.outbound import DeadlineExceeded, NotAllowed, TooLarge, fetch

from .listener import read_request

LOOPBACK_OK = {"private_ok": {outbound.LOOPBACK}}


def trickle(payload: bytes, *, every_s: float = 1.0) -> Callable[[socket.socket], None]:
    def answer(conn: socket.socket) -> None:
        read_request(conn)
        for i in range(len(payload)):
            conn.sendall(payload[i : i + 1])
            time.sleep(every_s)

    return answer


def fixed(response: bytes) -> Callable[[socket.socket], None]:
    def answer(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(response)

    return answer


def test_a_body_trickled_one_byte_a_second_is_cut_at_the_deadline(listen):
    body = b"x" * 100
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"

    def answer(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(head)
        for i in range(len(body)):
            conn.sendall(body[i : i + 1])
            time.sleep(1)

    server = listen(answer)
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        fetch("GET", server.url + "/", allowed_hosts=[server.host], deadline_s=1.5, **LOOPBACK_OK)
    assert time.monotonic() - started < 2.5


def test_trickled_headers_and_a_body_without_length_are_cut_too(listen):
    # Per-read timeouts never fire here: every read gets a byte within the second.
    server = listen(trickle(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100))
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        fetch("GET", server.url, allowed_hosts=[server.host], deadline_s=1.2, **LOOPBACK_OK)
    assert time.monotonic() - started < 2.2

    def unframed_answer(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.0 200 OK\r\n\r\n")
        for _ in range(100):
            conn.sendall(b"y")
            time.sleep(0.2)

    unframed = listen(unframed_answer)
    with pytest.raises(DeadlineExceeded):
        fetch("GET", unframed.url, allowed_hosts=[unframed.host], deadline_s=1, **LOOPBACK_OK)


def test_a_trickled_tls_handshake_is_cut_at_the_deadline(listen):
    # A TLS record header announcing 16 KB of handshake, then one byte a second.
    def answer(conn: socket.socket) -> None:
        conn.recv(4096)  # the ClientHello
        conn.sendall(b"\x16\x03\x03\x40\x00")
        for _ in range(100):
            conn.sendall(b"\x00")
            time.sleep(1)

    server = listen(answer)
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        fetch(
            "GET",
            f"https://{server.host}/",
            allowed_hosts=[server.host],
            deadline_s=1.5,
            **LOOPBACK_OK,
        )
    assert time.monotonic() - started < 2.5


def test_an_oversized_body_is_refused_declared_or_not(listen):
    big = b"z" * 5000
    declared = listen(fixed(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + big))
    with pytest.raises(TooLarge, match="4096"):
        fetch("GET", declared.url, allowed_hosts=[declared.host], max_bytes=4096, **LOOPBACK_OK)
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunked += b"".join(b"400\r\n" + b"z" * 1024 + b"\r\n" for _ in range(5)) + b"0\r\n\r\n"
    undeclared = listen(fixed(chunked))
    with pytest.raises(TooLarge):
        fetch("GET", undeclared.url, allowed_hosts=[undeclared.host], max_bytes=4096, **LOOPBACK_OK)


def test_a_compressed_body_is_capped_after_decompression(listen):
    bomb = gzip.compress(b"\0" * 2_000_000)
    head = f"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {len(bomb)}\r\n\r\n"
    server = listen(fixed(head.encode() + bomb))
    with pytest.raises(TooLarge):
        fetch("GET", server.url, allowed_hosts=[server.host], max_bytes=100_000, **LOOPBACK_OK)
    small = gzip.compress(b'{"keys": []}')
    head = f"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {len(small)}\r\n\r\n"
    fine = listen(fixed(head.encode() + small))
    answer = fetch("GET", fine.url, allowed_hosts=[fine.host], **LOOPBACK_OK)
    assert answer.json() == {"keys": []}


def test_a_redirect_to_another_host_is_not_followed(listen):
    elsewhere = listen(fixed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
    redirect = f"HTTP/1.1 302 Found\r\nLocation: {elsewhere.url}/steal\r\nContent-Length: 0\r\n\r\n"
    server = listen(fixed(redirect.encode()))
    answer = fetch(
        "GET",
        server.url,
        allowed_hosts=[server.host, elsewhere.host],  # even an allowed host: no redirects
        headers={"Authorization": "Bearer secret"},
        **LOOPBACK_OK,
    )
    assert answer.status_code == 302
    time.sleep(0.3)
    assert elsewhere.accepted == 0


def test_loopback_is_refused_unless_the_registration_is_on_loopback(listen):
    server = listen(fixed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
    # Listed as a host, but the registration is on a public host: no connection at all.
    for url, host in ((server.url, server.host), (f"http://localhost:{server.port}", None)):
        with pytest.raises(NotAllowed, match="loopback"):
            fetch("GET", url, allowed_hosts=[host or f"localhost:{server.port}"])
    with pytest.raises(NotAllowed, match="loopback"):
        fetch("GET", server.url, allowed_hosts=[server.host], private_ok={outbound.PRIVATE})
    time.sleep(0.3)
    assert server.accepted == 0
    assert fetch("GET", server.url, allowed_hosts=[server.host], **LOOPBACK_OK).content == b"ok"


def test_a_host_off_the_allowlist_is_refused_before_connecting(listen):
    server = listen(fixed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
    other_port = f"127.0.0.1:{server.port + 1 if server.port < 65535 else 1}"
    for url in (
        server.url,
        f"http://user:pw@{server.host}/",
        f"ftp://{server.host}/",
        "javascript:alert(1)",
    ):
        with pytest.raises(NotAllowed):
            fetch("GET", url, allowed_hosts=[other_port], **LOOPBACK_OK)
    time.sleep(0.3)
    assert server.accepted == 0


@pytest.mark.parametrize(
    "address,kind",
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("fd00::1", "private"),
        ("100.64.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("2002:7f00:1::", "loopback"),
        ("64:ff9b::a9fe:a9fe", "link-local"),
        ("93.184.216.34", "public"),
        ("2606:4700::1111", "public"),
    ],
)
def test_address_kinds(address, kind):
    assert addresses.address_kind(address) == kind


def test_a_public_name_resolving_to_a_private_address_is_refused(listen, monkeypatch):
    # DNS rebinding: the allowed public name now answers with a metadata-service address.
    # (No DNS server here, so the resolver's answer is substituted.)
    real = socket.getaddrinfo
    answers = {"lms.example.org": "169.254.169.254", "school.example.org": "127.0.0.1"}

    def fake_getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return real(answers[host], port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    for host in answers:
        with pytest.raises(NotAllowed):
            fetch("GET", f"http://{host}/", allowed_hosts=[host])
    # Even when the registration is on loopback, link-local stays out of reach.
    with pytest.raises(NotAllowed, match="link-local"):
        fetch("GET", "http://lms.example.org/", allowed_hosts=["lms.example.org"], **LOOPBACK_OK)
    addresses._home_cache.clear()
    assert addresses.private_kinds_of(["http://school.example.org/x"]) == {"loopback"}
    assert addresses.private_kinds_of(["https://nowhere.invalid/"]) == set()
    addresses._home_cache.clear()


def test_pooled_connections_are_reused_and_still_bounded(listen):
    # Keep-alive: two answers on one connection, the second one trickled.
    def answer(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n")
        for _ in range(50):
            conn.sendall(b"w")
            time.sleep(1)

    server = listen(answer)
    assert fetch("GET", server.url, allowed_hosts=[server.host], **LOOPBACK_OK).content == b"ok"
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        fetch("GET", server.url, allowed_hosts=[server.host], deadline_s=1, **LOOPBACK_OK)
    assert time.monotonic() - started < 2
    assert server.accepted == 1
