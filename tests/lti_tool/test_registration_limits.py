"""The registration page's limits, from outside: who may frame it, what a failing platform's
answer may show, and how many attempts one client gets (issue 11 part 3, issue 12)."""

import logging

import pytest

from lti_tool.models import Platform

from .registration_platform import TOKEN, RegistrationPlatform

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.LTI_ALLOW_HTTP_PLATFORMS = True
    settings.LTI_PRIVATE_NETWORK_PLATFORMS = True
    settings.PUBLIC_BASE_URL = "https://credbridge.example.edu"
    settings.LTI_REGISTRATION_ISSUERS = []
    settings.LTI_OPEN_REGISTRATION = True


@pytest.fixture
def moodle():
    p = RegistrationPlatform("moodle")
    yield p
    p.stop()


def frame_ancestors(response) -> str:
    (directive,) = [
        d.strip()
        for d in response["Content-Security-Policy"].split(";")
        if d.strip().startswith("frame-ancestors")
    ]
    return directive


def test_only_the_registering_platform_may_frame_the_registration_page(client, moodle):
    page = client.get(
        "/lti/register/", {"openid_configuration": moodle.config_url(), "registration_token": TOKEN}
    )
    assert page.status_code == 200
    assert frame_ancestors(page) == f"frame-ancestors 'self' {moodle.base}"
    assert "script-src 'self' 'nonce-" in page["Content-Security-Policy"]
    # ... that page only: no record exists, so nothing else may be framed by it.
    assert moodle.base not in frame_ancestors(client.get("/lti/jwks.json"))
    done = client.post(
        "/lti/register/",
        {"openid_configuration": moodle.config_url(), "registration_token": TOKEN, "name": "X"},
    )
    assert frame_ancestors(done) == f"frame-ancestors 'self' {moodle.base}"
    # A failed registration still renders inside the LMS's dialog.
    failed = client.post(
        "/lti/register/",
        {"openid_configuration": moodle.config_url(), "registration_token": "wrong"},
    )
    assert failed.status_code == 400
    assert frame_ancestors(failed) == f"frame-ancestors 'self' {moodle.base}"


@pytest.mark.parametrize(
    "url",
    [
        "https://lms.example.edu;script-src */x",
        "https://lms.example.edu *.evil.example/x",
        "javascript:alert(1)//x",
        "https://lms.example.edu%0d%0aSet-Cookie:x/x",
    ],
)
def test_a_malformed_configuration_url_adds_nothing_to_frame_ancestors(client, url):
    response = client.get("/lti/register/", {"openid_configuration": url})
    assert response.status_code == 400
    assert frame_ancestors(response) == "frame-ancestors 'self'"
    assert "Set-Cookie" not in response


def test_http_configuration_urls_are_not_framers_without_the_setting(client, settings):
    settings.LTI_ALLOW_HTTP_PLATFORMS = False
    response = client.get("/lti/register/", {"openid_configuration": "http://lms.example.edu/x"})
    assert response.status_code == 400
    assert frame_ancestors(response) == "frame-ancestors 'self'"


def test_a_failing_platform_answer_is_logged_not_shown(client, moodle, caplog):
    caplog.set_level(logging.WARNING, logger="credbridge.lti")
    moodle.error_body = b"<h1>Stack trace</h1>" + b"secret-internal-detail " * 500 + b"\nFORGED"
    response = client.post(
        "/lti/register/",
        {"openid_configuration": moodle.config_url(), "registration_token": TOKEN, "name": "X"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "HTTP 500" in html and "registration request" in html
    assert "secret-internal-detail" not in html and "Stack trace" not in html
    (line,) = [r.getMessage() for r in caplog.records if "answered 500" in r.getMessage()]
    assert "Stack trace" in line and "\n" not in line and len(line) < 600
    assert Platform.objects.count() == 0


def test_registration_attempts_are_limited_per_client_address(client, settings):
    settings.LTI_REGISTRATION_ATTEMPTS_PER_HOUR = 3
    params = {"openid_configuration": "http://127.0.0.1:9/none", "registration_token": TOKEN}
    for _ in range(3):
        assert client.post("/lti/register/", params).status_code == 400
    limited = client.post("/lti/register/", params)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "3600"
    assert b"Too many registration attempts" in limited.content
    assert client.get("/lti/register/", params).status_code == 429
    # Another client address is not affected.
    assert client.post("/lti/register/", params, REMOTE_ADDR="10.0.0.9").status_code == 400


def test_the_limit_sees_through_the_local_proxy_and_not_through_forged_headers(client, settings):
    settings.LTI_REGISTRATION_ATTEMPTS_PER_HOUR = 2
    params = {"openid_configuration": "http://127.0.0.1:9/none", "registration_token": TOKEN}

    def attempt(peer, forwarded):
        return client.post(
            "/lti/register/", params, REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    # Behind the proxy on this machine, each client has its own count ...
    assert [attempt("127.0.0.1", "203.0.113.5") for _ in range(3)] == [400, 400, 429]
    assert attempt("127.0.0.1", "198.51.100.7") == 400
    # ... and a client that reaches the server directly cannot rotate the header to escape.
    assert [attempt("192.0.2.1", f"10.9.9.{i}") for i in range(3)] == [400, 400, 429]


class TricklingServer:
    """Answers 200 with a large Content-Length, then one byte a second (issue 12 H3)."""

    def __init__(self) -> None:
        import socket
        import threading

        self.stop_event = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.bytes_sent = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        import threading

        while not self.stop_event.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn) -> None:
        try:
            conn.recv(65536)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100000\r\n\r\n{"
            )
            while not self.stop_event.wait(1.0):
                conn.sendall(b" ")
                self.bytes_sent += 1
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self) -> None:
        self.stop_event.set()
        self.sock.close()


def test_a_trickling_configuration_is_cut_off_at_the_deadline(client, monkeypatch):
    import time

    from lti_tool import dynamic_registration

    monkeypatch.setattr(dynamic_registration, "DEADLINE_S", 2.0)
    server = TricklingServer()
    try:
        started = time.monotonic()
        response = client.get(
            "/lti/register/",
            {
                "openid_configuration": server.base + "/openid-configuration",
                "registration_token": TOKEN,
            },
        )
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    assert response.status_code == 400
    assert b"did not answer the openid-configuration request within 2 seconds" in response.content
    # Per-read timeouts would have waited as long as the bytes kept coming (100 s here).
    assert elapsed < 4.0, elapsed
    assert Platform.objects.count() == 0


def test_loopback_platforms_need_the_operator_setting(client, moodle, settings):
    settings.LTI_PRIVATE_NETWORK_PLATFORMS = False
    response = client.get(
        "/lti/register/", {"openid_configuration": moodle.config_url(), "registration_token": TOKEN}
    )
    assert response.status_code == 400
    assert b"LTI_PRIVATE_NETWORK_PLATFORMS" in response.content
    assert moodle.requests == []  # refused before connecting
