"""A verified launch names its platform and course on the rest of its request's log lines;
the id_token it came with appears on none."""

from __future__ import annotations

import io
import json
import logging

from assessments.models import Course
from config.log_format import JsonFormatter
from config.log_redaction import RedactSecrets

from .conftest import TOOL


def test_the_launch_request_line_names_platform_and_course_and_not_the_token(
    client, fake_platform, login
):
    course = Course.objects.create(
        platform=fake_platform.row, context_id="course-2", sync_enabled=False
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        state, nonce = login()
        id_token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL))
        response = client.post(
            "/lti/launch/",
            {"id_token": id_token, "state": state},
            HTTP_X_REQUEST_ID="launch-req-0001",
        )
    finally:
        root.removeHandler(handler)
    assert response.status_code == 302, response.content[:500]
    text = stream.getvalue()
    assert id_token not in text and id_token.split(".")[1] not in text
    lines = [json.loads(line) for line in text.splitlines()]
    (request_line,) = [
        line
        for line in lines
        if line["logger"] == "credbridge.request" and line["path"] == "/lti/launch/"
    ]
    assert request_line["request_id"] == "launch-req-0001"
    assert request_line["platform_id"] == fake_platform.row.pk
    assert request_line["course_id"] == course.pk
