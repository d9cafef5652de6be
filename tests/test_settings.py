"""Production settings pass Django's deployment checks; public deployments refuse dev secrets."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


def _check_deploy(**env: str) -> subprocess.CompletedProcess:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"LMS_SANDBOX", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        PUBLIC_BASE_URL="https://credbridge.example.edu",
        ALLOWED_HOSTS="credbridge.example.edu",
        DEBUG="0",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = _check_deploy(
        SECRET_KEY="x" * 30 + "production-secret-key-with-enough-entropy-0123456789",
        KEY_ENCRYPTION_KEY=Fernet.generate_key().decode(),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_public_deployment_refuses_development_secrets():
    result = _check_deploy()
    assert result.returncode != 0
    assert "Set SECRET_KEY and KEY_ENCRYPTION_KEY" in result.stderr
