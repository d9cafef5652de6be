"""Launch tokens: short-lived (idle and absolute limits), bound to the launching browser,
and never written to a log line."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from lti_tool import launch_context
from lti_tool.launch_context import (
    TOKEN_IDLE_S,
    TOKEN_MAX_AGE_S,
    load_launch,
    start_launch_session,
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36"


def _launch(world, **extra):
    return world.launch(world.instructor, "instructor", name="Tess", **extra)


@pytest.fixture
def clock(monkeypatch, settings):
    """time.time() moved forward at will (signing and the local-memory cache both read it;
    a Redis server keeps its own clock, so these tests use the local-memory cache)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def test_an_idle_launch_ends_and_use_renews_it(world, clock):
    token = _launch(world).token
    clock[0] += TOKEN_IDLE_S - 60
    assert load_launch(token).present  # used: the idle window starts again
    clock[0] += TOKEN_IDLE_S - 60
    assert load_launch(token).present
    clock[0] += TOKEN_IDLE_S + 1
    assert not load_launch(token).present


def test_a_busy_launch_still_ends_at_the_absolute_limit(world, clock):
    assert TOKEN_MAX_AGE_S <= 2 * 3600 and TOKEN_IDLE_S <= 30 * 60
    token = _launch(world).token
    start = clock[0]
    while clock[0] < start + TOKEN_MAX_AGE_S - TOKEN_IDLE_S:
        clock[0] += TOKEN_IDLE_S - 60
        assert load_launch(token).present
    clock[0] = start + TOKEN_MAX_AGE_S + 1
    assert not load_launch(token).present


def test_a_token_works_only_in_the_launching_browser(world, client):
    token = _launch(world, user_agent=BROWSER).token
    mine = client.get("/course/", {"lt": token}, HTTP_USER_AGENT=BROWSER)
    assert mine.status_code == 200
    elsewhere = client.get("/course/", {"lt": token}, HTTP_USER_AGENT="curl/8.5.0")
    assert elsewhere.status_code == 403
    assert b"Open Credbridge from your course" in elsewhere.content


def test_a_token_names_what_it_was_issued_for(world):
    """A token must match the stored launch: platform, course and user."""
    from django.core import signing
    from django.core.cache import cache

    launch = _launch(world)
    stored = cache.get("launch-ctx:" + launch.launch_id)
    cache.set("launch-ctx:" + launch.launch_id, {**stored, "course_id": 999999})
    assert not load_launch(launch.token).present
    # The old form (the bare launch id signed) is not accepted any more.
    bare = signing.dumps(launch.launch_id, salt=launch_context.TOKEN_SALT, compress=False)
    assert not load_launch(bare).present


def test_django_log_lines_carry_no_token(world, client, caplog):
    import logging

    from config.log_redaction import RedactSecrets

    token = _launch(world).token
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /course/?lt={token}&page=2 HTTP/1.1", "200", "512"),
        None,
    )
    assert RedactSecrets().filter(record)
    line = record.getMessage()
    assert token not in line and "lt=[redacted]&page=2" in line


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_access_log_carries_no_token(tmp_path):
    """gunicorn as the Procfile runs it (`--access-logfile -`, gunicorn.conf.py read from the
    working directory): a request with ?lt= in its URL and its Referer is logged redacted."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings_test", VAR_DIR=str(tmp_path))
    log = tmp_path / "access.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--access-logfile",
                "-",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            secret = "SeCrEtToKeN.abc:def"
            deadline = time.monotonic() + 30
            while True:
                try:
                    requests.get(
                        f"http://127.0.0.1:{port}/robots.txt?lt={secret}&x=1",
                        headers={"Referer": f"http://127.0.0.1:{port}/course/?lt={secret}"},
                        timeout=20,
                    )
                    break
                except requests.ConnectionError:
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.3)
            time.sleep(0.5)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    text = log.read_text()
    # gunicorn's access line (the JSON request line of config.request_id has no query string).
    lines = [line for line in text.splitlines() if "GET /robots.txt?" in line]
    assert lines, text
    assert secret not in text
    assert re.search(r"/robots.txt\?lt=\[redacted\]&x=1", lines[0])
    assert "/course/?lt=[redacted]" in lines[0]


def test_in_launch_forms_carry_the_token_in_the_body_not_the_url(world, client):
    from html.parser import HTMLParser

    from tests.pages.world import issue

    class Forms(HTMLParser):
        def __init__(self):
            super().__init__()
            self.forms = []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form" and (attrs.get("method") or "").lower() == "post":
                self.forms.append([attrs.get("action", ""), attrs.get("data-status", ""), set()])
            elif tag == "input" and self.forms:
                self.forms[-1][2].add(attrs.get("name"))

    ada = world.learners[0]
    award = issue(world, ada)
    teacher = world.launch(world.instructor, "instructor", "administrator").token
    pages = [
        ("/course/", teacher),
        ("/course/setup/", teacher),
        ("/course/setup/achievement", teacher),
        (f"/course/awards/{award.uuid}/revoke", teacher),
        ("/learner/", world.launch(ada).token),
    ]
    seen = 0
    for url, token in pages:
        parser = Forms()
        parser.feed(client.get(url, {"lt": token}).content.decode())
        for action, status_url, fields in parser.forms:
            assert token not in action and "lt=" not in action, (url, action)
            assert "lt=" not in status_url, (url, status_url)
            assert "lt" in fields, (url, action)
            seen += 1
    assert seen >= 5


def test_the_learner_page_shows_only_the_launchs_own_course_and_person(world, client):
    """The page's own reads go with the course and learner reads (ADR 0083): a launch naming a
    course or person of another platform, or none, is refused as before."""
    from tests.pages.world import make_world

    ada, other = world.learners[0], make_world()
    page = client.get("/learner/", {"lt": world.launch(ada).token})
    assert page.status_code == 200 and world.course.title.encode() in page.content
    for claims in (
        {"course_id": other.course.pk},
        {"learner_id": other.learners[0].pk},
        {"course_id": None},
    ):
        fields = {
            "platform_id": world.platform.pk,
            "deployment_id": "dep-1",
            "context_id": world.course.context_id,
            "course_id": world.course.pk,
            "user_sub": ada.sub,
            "learner_id": ada.pk,
            "roles": {"learner"},
        }
        token = start_launch_session(**(fields | claims)).token
        refused = client.get("/learner/", {"lt": token})
        assert refused.status_code == 403
        assert b"This launch is not linked to a course" in refused.content
