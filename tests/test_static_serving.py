"""Production serving: with DEBUG=0, after `collectstatic`, gunicorn (through WhiteNoise) serves
the stylesheet a page names, under its content-hashed name, as CSS, cached for long.

Real processes, as the README's deploy steps run them: `manage.py collectstatic` into a fresh
STATIC_ROOT, then `gunicorn config.wsgi` on a loopback port with the production settings.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _production_env(var_dir: Path, port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"LMS_SANDBOX", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
        and not k.startswith("REDIS")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        VAR_DIR=str(var_dir),  # STATIC_ROOT (and the embedded SQLite file) live under it
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1",
    )
    return env


@pytest.fixture
def production_server(tmp_path):
    port = _free_port()
    env = _production_env(tmp_path, port)
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert collected.returncode == 0, collected.stdout + collected.stderr
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            # Not the shared default control socket path (another gunicorn may own it).
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                requests.get(f"{base}/healthz", timeout=10)
                break
            except requests.RequestException:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"gunicorn did not start: {server.stderr.read()}")
                time.sleep(0.2)
        yield base, tmp_path / "static"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stderr.close()


def test_debug_off_serves_the_hashed_stylesheet_a_page_names(production_server):
    base, static_root = production_server
    page = requests.get(f"{base}/credentials/verify", timeout=10)
    assert page.status_code == 200, page.text[:500]

    hrefs = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.text)
    assert len(hrefs) == 1, hrefs
    href = hrefs[0]
    # The content-hashed name from the manifest, so a new release is never hidden by a cache.
    assert re.fullmatch(r"/static/credbridge\.[0-9a-f]{12}\.css", href), href
    assert (static_root / href.removeprefix("/static/")).is_file()

    css = requests.get(f"{base}{href}", timeout=10)
    assert css.status_code == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert css.content == (ROOT / "config" / "static" / "credbridge.css").read_bytes()
    # A hashed file never changes: browsers may keep it for good.
    assert "immutable" in css.headers.get("Cache-Control", "")

    compressed = requests.get(f"{base}{href}", headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert compressed.headers.get("Content-Encoding") == "gzip"
