"""The real-Moodle rig seen from Python: its settings, Moodle-side steps through the kit's
`lti.php`, the tool's `manage.py`, Moodle's access log, and Chromium with third-party
cookies blocked. Used by story.py; see docs/real-moodle.md."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

POLICY_FILE = Path("/etc/chromium/policies/managed/block-3pc.json")
PASSWORDS = {"admin": "Admin1234!"}  # the kit's accounts; everyone else has Pass1234!


@dataclass
class Rig:
    """Where everything is; each field can be set from the environment (RIG_*)."""

    moodle_url: str = os.environ.get("RIG_MOODLE_URL", "http://127.0.0.1:8300")
    tool_url: str = os.environ.get("RIG_TOOL_URL", "https://localhost:8401")
    moodle_dir: str = os.environ.get("RIG_MOODLE_DIR", "/srv/moodle")
    kit_dir: str = os.environ.get("RIG_KIT_DIR", "")  # the real-moodle kit (holds php/lti.php)
    tool_dir: str = os.environ.get("RIG_TOOL_DIR", str(Path(__file__).resolve().parents[2]))
    python: str = os.environ.get("RIG_PYTHON", sys.executable)
    access_log: str = os.environ.get("RIG_ACCESS_LOG", "/var/log/nginx/moodle-rig.access.log")
    shots: str = os.environ.get("RIG_SHOTS", str(Path.home() / "credbridge-real-moodle-shots"))
    chromium: str = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

    def lti(self, action: str, **options: object) -> dict:
        """One Moodle-side step through Moodle's own PHP APIs (the kit's lti.php)."""
        if not self.kit_dir:
            raise SystemExit("Set RIG_KIT_DIR to the real-moodle kit's folder (holds php/lti.php).")
        args = [
            "runuser",
            "-u",
            "www-data",
            "--",
            "php",
            f"{self.kit_dir}/php/lti.php",
            f"--moodle={self.moodle_dir}",
            f"--action={action}",
        ]
        args += [f"--{k.replace('_', '-')}={v}" for k, v in options.items()]
        done = subprocess.run(args, capture_output=True, text=True, timeout=120, cwd="/")
        if done.returncode != 0:
            raise RuntimeError(f"lti.php {action}: {done.stderr.strip() or done.stdout[:500]}")
        return json.loads(done.stdout)

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """The deployed tool's manage.py, with this process's environment (the tool's env)."""
        done = subprocess.run(
            [self.python, "manage.py", *args],
            cwd=self.tool_dir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]}: {(done.stderr or done.stdout)[-800:]}")
        return done

    def has_command(self, name: str) -> bool:
        return name in self.manage("help", "--commands").stdout.split()

    def shot(self, page, name: str) -> str:
        Path(self.shots).mkdir(parents=True, exist_ok=True)
        path = f"{self.shots}/{name}.png"
        page.screenshot(path=path, full_page=True)
        # A full-page capture resizes the viewport and Moodle's page margin moves back through
        # a CSS transition: a click right after it landed where a button had been (the
        # launches' "Open in a new window", 3 of 7 tries failed). Let the layout settle.
        time.sleep(1.0)
        return path


class AccessLog:
    """What Moodle answered: the nginx access log lines written since mark()."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.offset = 0

    def mark(self) -> None:
        self.offset = os.path.getsize(self.path) if os.path.exists(self.path) else 0

    def since(self, needle: str = "") -> list[str]:
        if not os.path.exists(self.path):
            return []
        with open(self.path, encoding="utf-8", errors="replace") as f:
            f.seek(self.offset)
            lines = f.read().splitlines()
        return [line for line in lines if needle in line]

    @staticmethod
    def short(line: str) -> str:
        """`METHOD path status` from a combined-log line."""
        try:
            request = line.split('"')[1]
            status = line.split('"')[2].split()[0]
            method, path = request.split()[:2]
            return f"{method} {path[:140]} -> {status}"
        except IndexError:
            return line[:160]


@dataclass
class Report:
    """Each step's outcome, printed as it happens and summed up at the end."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def add(self, step: str, outcome: str, detail: str) -> None:
        self.rows.append((step, outcome, detail))
        elapsed = time.monotonic() - self.started
        print(f"[{elapsed:7.1f}s] {outcome:<5} {step}: {detail}", flush=True)

    def note(self, text: str) -> None:
        print(f"            {text}", flush=True)

    def summary(self) -> int:
        print("\n== summary")
        for step, outcome, detail in self.rows:
            print(f"{outcome:<5} {step}: {detail[:160]}")
        return 1 if any(o == "FAIL" for _s, o, _d in self.rows) else 0


@contextmanager
def chromium(rig: Rig, *, block_third_party_cookies: bool = True):
    """Chromium as Playwright drives it. Third-party cookies are blocked by the enterprise
    policy file (the kit's way). Not by --test-third-party-cookie-phaseout: with that flag
    Moodle's own login over http loops back to the login page."""
    from playwright.sync_api import sync_playwright

    if block_third_party_cookies and not POLICY_FILE.exists():
        print(f"note: {POLICY_FILE} is missing; relying on headless Chromium's own blocking")
    # Frames of other sites in their own processes (site isolation) are sometimes not attached
    # to Playwright, and then neither their content nor the windows they open are seen; in
    # one process they are. Cookies are blocked the same either way.
    args = ["--no-sandbox", "--disable-features=IsolateOrigins,site-per-process"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=rig.chromium, args=args)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def chromium_allowing_third_party_cookies(rig: Rig):
    """For contrast: one Chromium profile (a context) that accepts third-party cookies. The
    managed policy applies to every Chromium on the machine, so this one runs in a mount
    namespace of its own where an empty folder hides it (root and `unshare` needed)."""
    import tempfile

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        executable = rig.chromium
        if POLICY_FILE.exists():
            if os.geteuid() != 0 or not shutil.which("unshare"):
                raise RuntimeError("the managed policy can only be hidden as root with unshare")
            empty = Path(tmp, "no-policies")
            empty.mkdir()
            wrapper = Path(tmp, "chromium-allowing-3pc")
            wrapper.write_text(
                "#!/bin/sh\n"
                f"exec unshare -m -- sh -c 'mount --bind {empty} {POLICY_FILE.parent} && "
                f'exec {rig.chromium} "$@"\' sh "$@"\n'
            )
            wrapper.chmod(0o755)
            executable = str(wrapper)
        profile = Path(tmp, "profile", "Default")
        profile.mkdir(parents=True)
        prefs = {"profile": {"cookie_controls_mode": 0, "block_third_party_cookies": False}}
        (profile / "Preferences").write_text(json.dumps(prefs))
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                str(profile.parent),
                executable_path=executable,
                args=["--no-sandbox"],
                ignore_https_errors=True,
                viewport={"width": 1280, "height": 900},
            )
            try:
                yield context
            finally:
                context.close()


def moodle_login(rig: Rig, browser, username: str):
    """A fresh browser profile (context) signed in to Moodle as `username`; returns its page.
    The tool's certificate is self-signed: Chromium keeps its own trust store, so the context
    ignores certificate errors (Moodle's PHP trusts the certificate through the CA store)."""
    if hasattr(browser, "new_context"):
        context = browser.new_context(
            ignore_https_errors=True, viewport={"width": 1280, "height": 900}
        )
    else:  # already a context (a persistent profile)
        context = browser
    page = context.new_page()
    said = ""
    for _attempt in range(3):
        page.goto(f"{rig.moodle_url}/login/index.php")
        page.wait_for_load_state("networkidle")
        page.fill("#username", username)
        page.fill("#password", PASSWORDS.get(username, "Pass1234!"))
        page.click("#loginbtn")
        try:
            page.wait_for_url(lambda url: "/login/" not in url, timeout=15_000)
            return page
        except Exception:  # noqa: BLE001 - say what Moodle said, then try again
            alert = page.locator(".alert, #loginerrormessage")
            said = alert.first.inner_text() if alert.count() else page.url
    raise RuntimeError(f"Moodle login failed for {username}: {said}")
