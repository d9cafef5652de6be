"""Bearer tokens go only to the hosts fixed at registration, never to hosts a launch names
(issue 12, H2), written from the attacker's side over HTTP."""

from __future__ import annotations

import logging
import socket
import time
from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse

from assessments.models import Course
from assessments.sync import sync_course
from lms_sandbox.browserless import follow_launch
from lms_sandbox.models import SandboxEnrolment
from lms_sandbox.seed import connect_tool, seed_course
from lti_tool import outbound
from lti_tool.models import Platform
from lti_tool.service_hosts import registration_policy
from lti_tool.services.ags import AGSClient
from lti_tool.services.errors import UntrustedURL

from .conftest import TOOL
from .listener import read_request

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


def _trap(listen, *, front_door: str = ""):
    """A listener that would happily play an LMS; it records every request it gets. With a
    `front_door`, a browser's authorization step is sent on there (the school host's login
    pages stay the sandbox's own) and not recorded."""
    received: list[bytes] = []

    def answer(conn: socket.socket) -> None:
        request = read_request(conn)
        path = request.split(b" ", 2)[1] if request.count(b" ") >= 2 else b""
        if front_door and b"/api/lti/authorize?" in path:
            location = front_door.encode() + path
            conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: " + location)
            conn.sendall(b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        received.append(request)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        conn.sendall(b"Content-Length: 2\r\n\r\n[]")

    trap = listen(answer)
    trap.received = received
    return trap


@pytest.mark.django_db(transaction=True)
def test_a_launch_naming_another_loopback_port_sends_it_no_request_and_no_token(
    live_server, listen, settings, caplog
):
    trap = _trap(listen, front_door=live_server.url)
    sp, platform = connect_tool(flavour="canvas", tool_base_url=live_server.url)
    sb_course = seed_course(platform=sp, title="Service host trap", learners=2)
    # The platform (its keys, issuer and client id unchanged) now puts its service URLs on
    # another port of this machine: the launch is signed, its AGS/NRPS claims are not ours.
    sp.base_url = trap.url
    sp.save()
    user = SandboxEnrolment.objects.filter(course=sb_course, role="instructor").first().user
    start = reverse("lms_sandbox:start_launch", args=[sp.slug])
    query = f"course={sb_course.pk}&user={user.pk}&role=instructor"
    link = sb_course.resource_links.first()
    query += f"&link={link.pk}" if link else ""
    with caplog.at_level(logging.INFO):
        final = follow_launch(requests.Session(), f"{live_server.url}{start}?{query}")
        # It still launches.
        assert urlsplit(final.url).path == "/course/", final.text[:500]
        course = Course.objects.get(platform=platform, context_id=sb_course.context_id)
        assert urlsplit(course.lineitems_url).netloc == trap.host  # kept as the LMS sent it
        run = sync_course(course=course, trigger="manual")  # the launch queued one too
    assert run.outcome == "failed"
    assert "outside the registered LMS" in run.error
    time.sleep(0.3)
    assert trap.received == []  # no service call, no token request, no bearer token
    platform.refresh_from_db()
    assert trap.host not in platform.allowed_service_hosts()
    assert f"service hosts the registration does not list: {trap.host}" in caplog.text
    assert "Bearer" not in caplog.text


def test_a_launch_never_widens_the_registration(client, fake_platform, login, caplog):
    school = "https://school.example.edu/api/lti/courses/7/line_items"
    state, nonce = login()
    claims = fake_platform.claims(
        nonce=nonce,
        tool=TOOL,
        **{
            AGS: {"lineitems": school, "scope": []},
            NRPS: {"context_memberships_url": "https://school.example.edu/api/lti/nrps"},
        },
    )
    response = client.post("/lti/launch/", {"id_token": fake_platform.sign(claims), "state": state})
    assert response.status_code == 302
    row = Platform.objects.get(pk=fake_platform.row.pk)
    assert "school.example.edu" not in row.allowed_service_hosts() and row.service_hosts == ""
    assert "does not list: school.example.edu" in caplog.text
    assert row.needs_attention == ""  # the platform's other courses keep syncing
    with pytest.raises(UntrustedURL, match="not one of this registration's hosts"):
        AGSClient(platform=row, lineitems_url=school)


@pytest.mark.django_db
def test_a_registration_on_a_public_host_never_reaches_loopback(listen):
    trap = _trap(listen)
    platform = Platform.objects.create(
        name="Public LMS",
        flavour="moodle",
        issuer="https://lms.example.org",
        client_id="c-1",
        auth_login_url="https://lms.example.org/mod/lti/auth.php",
        auth_token_url=f"{trap.url}/token",  # its own URL, yet on loopback
        key_set_url="https://lms.example.org/mod/lti/certs.php",
        service_hosts=trap.host,
    )
    assert registration_policy(platform).private_ok == frozenset()
    client = AGSClient(platform=platform, lineitems_url=f"{trap.url}/lineitems")
    with pytest.raises(UntrustedURL, match="loopback"):
        list(client.iter_line_items())
    time.sleep(0.3)
    assert trap.accepted == 0


@pytest.mark.django_db
def test_a_registration_on_loopback_reaches_loopback_only(listen):
    trap = _trap(listen)
    platform = Platform.objects.create(
        name="Developer Moodle",
        flavour="moodle",
        issuer=trap.url,
        client_id="c-2",
        auth_login_url=f"{trap.url}/mod/lti/auth.php",
        auth_token_url=f"{trap.url}/mod/lti/token.php",
        key_set_url=f"{trap.url}/mod/lti/certs.php",
    )
    policy = registration_policy(platform)
    assert policy.private_ok == {outbound.LOOPBACK}
    assert policy.allowed_hosts == {trap.host}
