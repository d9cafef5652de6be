"""The development secrets are refused on any public host with DEBUG off, http included."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.deployment_guard import is_public_deployment

ROOT = Path(__file__).resolve().parent.parent.parent


def _check(**env: str) -> subprocess.CompletedProcess:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "LMS_SANDBOX",
            "DEBUG",
            "SECRET_KEY",
            "KEY_ENCRYPTION_KEY",
            "ALLOWED_HOSTS",
            "PUBLIC_BASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    full_env.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_plain_http_public_host_refuses_development_secrets():
    result = _check(
        PUBLIC_BASE_URL="http://credbridge.campus.example.edu",
        ALLOWED_HOSTS="credbridge.campus.example.edu",
        DEBUG="0",
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY and KEY_ENCRYPTION_KEY" in result.stderr


def test_a_wildcard_allowed_host_is_public_too():
    result = _check(ALLOWED_HOSTS="*", DEBUG="0")
    assert "Set SECRET_KEY and KEY_ENCRYPTION_KEY" in result.stderr


def test_local_development_and_debug_still_start():
    assert _check().returncode == 0  # the defaults: 127.0.0.1, DEBUG off (make test)
    demo = _check(DEBUG="1", LMS_SANDBOX="1", PUBLIC_BASE_URL="http://127.0.0.1:8000")
    assert demo.returncode == 0, demo.stderr  # make demo


@pytest.mark.parametrize(
    ("url", "hosts", "public"),
    [
        ("http://127.0.0.1:8000", ["127.0.0.1", "localhost", "testserver", "[::1]"], False),
        ("http://localhost:8300", ["tool.localhost"], False),
        ("http://[::1]:8000", ["[::1]"], False),
        ("http://10.0.0.5:8000", ["10.0.0.5"], True),
        ("https://credbridge.example.edu", ["credbridge.example.edu"], True),
        ("http://127.0.0.1:8000", [".example.edu"], True),
    ],
)
def test_what_counts_as_public(url, hosts, public):
    assert is_public_deployment(url, hosts) is public
