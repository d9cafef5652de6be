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
