"""No secret or token reaches a log line, whatever shape it comes in, in either log format.

Run as production runs: a fresh process with Django's LOGGING from settings (JSON, then text)
writing to stderr, which is read back whole.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from config.log_redaction import redact

ROOT = Path(__file__).resolve().parent.parent.parent
ID_TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhZGEiLCJub25jZSI6Im4ifQ.c2lnbmF0dXJlLWlk"
ASSERTION = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJjbGllbnQtMSIsImF1ZCI6InRva2VuIn0.YXNzZXJ0aW9uLXNpZw"
ACCESS = "opaque-access-7f3a9c2e41b8"
BEARER = "opaque-bearer-5d1e8b7c"
LAUNCH = "lt-secret-value-91a2"
SECRETS = (ID_TOKEN, ASSERTION, ACCESS, BEARER, LAUNCH, "opaque-extra-6b2f", "exc-token-3c9d")

SCRIPT = textwrap.dedent(
    f"""
    import logging
    import django

    django.setup()
    log = logging.getLogger("credbridge.test")
    log.warning("launch refused, form: id_token=%s&state=abc", "{ID_TOKEN}")
    log.info("token request %s", {{"grant_type": "client_credentials",
        "client_assertion": "{ASSERTION}", "scope": "x"}})
    log.info("token answer %s", '{{"access_token": "{ACCESS}", "expires_in": 3600}}')
    log.info("outbound %s", {{"Authorization": "Bearer {BEARER}", "Accept": "json"}})
    log.info("GET /course/?lt={LAUNCH}&page=2")
    log.info("service call", extra={{"access_token": "opaque-extra-6b2f", "course": 4}})
    try:
        raise ValueError("LMS said: access_token=exc-token-3c9d; and {ID_TOKEN}")
    except ValueError:
        log.exception("post-back failed")
    """
)


def _stderr_of(log_format: str, tmp_path: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_FORMAT"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_test",
        LOG_FORMAT=log_format,
        VAR_DIR=str(tmp_path),
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stderr


@pytest.fixture(scope="module")
def log_of(tmp_path_factory):
    """Each format's log, written once for the module's tests (the script is the same)."""
    written: dict[str, str] = {}

    def read(log_format: str) -> str:
        if log_format not in written:
            written[log_format] = _stderr_of(log_format, tmp_path_factory.mktemp(log_format))
        return written[log_format]

    return read


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_no_token_of_any_shape_reaches_the_log(log_format, log_of):
    out = log_of(log_format)
    assert "post-back failed" in out and "Traceback" in out  # the lines were written
    for secret in SECRETS:
        assert secret not in out, f"{secret} leaked into the {log_format} log"
    assert out.count("[redacted]") >= 7
    assert '"Accept": "json"' in out or "'Accept': 'json'" in out  # the rest stays readable


def test_json_lines_are_one_object_each_with_the_traceback_inside(log_of):
    lines = [json.loads(line) for line in log_of("json").splitlines()]
    failed = next(line for line in lines if line["message"] == "post-back failed")
    assert failed["level"] == "ERROR" and failed["logger"] == "credbridge.test"
    assert "ValueError" in failed["exception"] and "[redacted]" in failed["exception"]
    extra = next(line for line in lines if line["message"] == "service call")
    assert extra["course"] == 4 and "access_token" not in extra


@pytest.mark.parametrize(
    "line",
    [
        "Authorization: Bearer abcdefgh12345678",
        "headers={'authorization': 'Basic dXNlcjpwYXNzd29yZA=='}",
        "referer=https://tool/x%3Flt%3Dsecret123%26page%3D2",
        "client_assertion=eyJabcdef.eyJabcdef.sig&client_assertion_type=jwt-bearer",
        "registration_token=once-only-token-1",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
    ],
)
def test_redact_blanks_each_shape(line):
    cleaned = redact(line)
    assert "[redacted]" in cleaned
    for secret in (
        "abcdefgh12345678",
        "dXNlcjpwYXNzd29yZA",
        "secret123",
        "eyJabcdef",
        "once-only",
        "MIIEvQ",
    ):
        assert secret not in cleaned


def test_ids_and_plain_words_are_left_alone():
    line = "token endpoint of platform 3 refused: 401; request_id=0f3c2a9b8e7d6c5b4a39281706f5e4d3"
    assert redact(line) == line
