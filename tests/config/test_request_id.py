"""Every answer and every log line of a request carry its id; the launch's platform and
course and a task's id and course are on the lines written on their behalf."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from config.celery import app
from config.log_context import bound, current
from config.log_format import JsonFormatter
from config.log_redaction import RedactSecrets

pytestmark = pytest.mark.django_db
NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log_lines():
    """The JSON lines the request and Django's 404 loggers write, as production formats them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactSecrets())
    loggers = [logging.getLogger(name) for name in ("credbridge.request", "django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


def test_a_sane_incoming_id_is_kept_and_returned(client, log_lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-3f2a.9c:77_x")
    assert response["X-Request-ID"] == "lb-3f2a.9c:77_x"
    (line,) = log_lines()
    assert line["request_id"] == "lb-3f2a.9c:77_x"
    assert line["path"] == "/healthz" and line["status"] == 200


@pytest.mark.parametrize(
    "sent",
    [
        None,
        "short",
        "x" * 129,
        "has space in it",
        'a"quote"and-more',
        'forged\n{"level": "CRITICAL", "message": "pwned"}',
    ],
)
def test_anything_else_gets_a_fresh_id(client, log_lines, sent):
    headers = {} if sent is None else {"HTTP_X_REQUEST_ID": sent}
    response = client.get("/healthz", **headers)
    assert NEW_ID.fullmatch(response["X-Request-ID"])
    (line,) = log_lines()
    assert line["request_id"] == response["X-Request-ID"]
    assert "pwned" not in json.dumps(log_lines())


def test_each_request_has_its_own_id_and_none_leaks_after(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second
    assert "request_id" not in current()


def test_lines_of_a_launched_request_name_its_platform_and_course(client, log_lines, world):
    launch = world.launch(world.instructor, "instructor", name="Tess")
    response = client.get(f"/no-such-page/?lt={launch.token}", HTTP_X_REQUEST_ID="req-0123456789")
    assert response.status_code == 404
    lines = log_lines()
    # Django's own "Not Found" line, written inside the view's handling, and the request line.
    assert {line["logger"] for line in lines} == {"django.request", "credbridge.request"}
    for line in lines:
        assert line["request_id"] == "req-0123456789"
        assert line["platform_id"] == world.platform.pk
        assert line["course_id"] == world.course.pk
        assert launch.token not in json.dumps(line)


@app.task(name="tests.config.log_context_probe")
def _probe(**kwargs):
    return current()


def test_a_task_binds_its_id_name_and_course_on_top_of_the_request():
    with bound(request_id="req-abcdef12"):
        seen = _probe.apply(kwargs={"course_id": 7}, task_id="task-1234").get()
        assert current() == {"request_id": "req-abcdef12"}  # the task's fields are gone again
    assert seen == {
        "request_id": "req-abcdef12",
        "task_id": "task-1234",
        "task": "tests.config.log_context_probe",
        "course_id": 7,
    }
    assert current() == {}


def test_a_queued_task_carries_the_request_id_in_its_message_headers():
    from config.task_log_context import HEADER, _carry_request_id

    headers: dict = {}
    with bound(request_id="req-abcdef12"):
        _carry_request_id(headers=headers)
    assert headers == {HEADER: "req-abcdef12"}
