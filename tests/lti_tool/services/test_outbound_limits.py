"""The LMS clients' calls are bounded by lti_tool.outbound (issue 12, H3)."""

import socket
import time

import pytest

from lti_tool.services.ags import AGSClient
from lti_tool.services.errors import MalformedResponse, Unavailable
from tests.lti_tool.listener import Listener, read_request


def test_an_answer_over_the_size_cap_is_refused_with_a_reason(moodle, settings, caplog):
    lms, platform = moodle
    for i in range(40):
        lms.add_line_item(label=f"Criterion {i} " + "x" * 3000, scoreMaximum=10, tag=f"t{i}")
    settings.OUTBOUND_MAX_BYTES = 4096
    client = AGSClient(platform=platform, lineitems_url=lms.lineitems_url)
    with pytest.raises(MalformedResponse, match="at most 4096"):
        list(client.iter_line_items())
    assert "OUTBOUND_MAX_BYTES" in caplog.text
    settings.OUTBOUND_MAX_BYTES = 16 * 1024 * 1024
    assert len(list(client.iter_line_items())) == 40


def test_a_trickling_lms_page_ends_at_the_deadline(moodle, settings):
    lms, platform = moodle

    def trickle(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        conn.sendall(b"Content-Length: 500\r\n\r\n")
        for _ in range(500):
            conn.sendall(b" ")
            time.sleep(0.5)

    slow = Listener(trickle)
    try:
        platform.service_hosts = slow.host  # the LMS's own (loopback) host, registered
        platform.save()
        settings.OUTBOUND_DEADLINE_SECONDS = 1
        settings.LTI_SERVICE_MAX_ATTEMPTS = 2
        client = AGSClient(platform=platform, lineitems_url=f"{slow.url}/lineitems")
        started = time.monotonic()
        with pytest.raises(Unavailable, match="deadline"):
            list(client.iter_line_items())
        # Two attempts of one second each (plus a short backoff), not 250 s of trickle.
        assert time.monotonic() - started < 4
        assert slow.accepted == 2
    finally:
        slow.close()


def _results_listener(body_start: bytes, then) -> Listener:
    """An LMS host answering a results listing with 200, `body_start` at once (chunked,
    no length declared), then what `then(conn)` sends."""

    def answer(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        conn.sendall(b"Transfer-Encoding: chunked\r\n\r\n")
        conn.sendall(b"%x\r\n%s\r\n" % (len(body_start), body_start))
        then(conn)

    return Listener(answer)


def _results_of(platform, listener: Listener) -> list[dict]:
    platform.service_hosts = listener.host  # the LMS's own (loopback) host, registered
    platform.save()
    client = AGSClient(platform=platform, lineitems_url=f"{listener.url}/lineitems")
    return [
        r for page in client.iter_result_pages(line_item_url=f"{listener.url}/li/1") for r in page
    ]


_MANY = b"[" + b",".join(b'{"userId": "u%d", "resultScore": 1}' % i for i in range(4000))


def test_a_results_page_read_as_it_arrives_is_still_cut_at_the_size_cap(moodle, settings, caplog):
    lms, platform = moodle
    endless = _results_listener(
        _MANY,
        lambda conn: [
            conn.sendall(b"%x\r\n%s\r\n" % (len(_MANY), b"," + _MANY[1:])) for _ in range(20)
        ],
    )
    try:
        settings.OUTBOUND_MAX_BYTES = 300_000  # past the first chunks, far below the body
        with pytest.raises(MalformedResponse, match="larger than 300000"):
            _results_of(platform, endless)
        assert "OUTBOUND_MAX_BYTES" in caplog.text
        assert endless.accepted == 1
    finally:
        endless.close()


def test_a_results_page_trickled_after_its_first_chunks_is_cut_at_the_deadline(moodle, settings):
    lms, platform = moodle

    def trickle(conn: socket.socket) -> None:
        for _ in range(200):
            conn.sendall(b"1\r\n \r\n")
            time.sleep(0.5)

    slow = _results_listener(_MANY, trickle)
    try:
        settings.OUTBOUND_DEADLINE_SECONDS = 1
        started = time.monotonic()
        with pytest.raises(Unavailable, match="^The LMS did not finish its answer"):
            _results_of(platform, slow)
        # Cut after about a second of the server's time, not after 100 s of trickle; a
        # page half read is not asked for again (the sync's run fails, retryable).
        assert time.monotonic() - started < 3
    finally:
        slow.close()


def test_an_html_results_page_is_still_refused_loudly(moodle, settings):
    lms, platform = moodle
    page = b"<!DOCTYPE html><html><head><title>Error</title></head><body>" + b"x" * 200_000
    html = _results_listener(page, lambda conn: conn.sendall(b"0\r\n\r\n"))
    try:
        with pytest.raises(MalformedResponse, match="HTML page") as caught:
            _results_of(platform, html)
        assert caught.value.status == 200 and "Error" in caught.value.excerpt
    finally:
        html.close()
