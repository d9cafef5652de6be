"""In real Chromium, with third-party cookies blocked (and, for contrast, allowed): launches
from both sandbox LMS flavours into the course page's iframe. The tool is the live server on
`localhost`; the sandbox LMS pages are on `127.0.0.1`, another site, so the tool's cookies in
the LMS's iframe are third-party cookies.

- Moodle (no platform storage, single-use hint): with cookies blocked the login step offers a
  top-level window before the hint is spent; the launch completes there, the hint used once.
  With cookies allowed it completes inside the iframe.
- Canvas (postMessage platform storage): completes inside the iframe either way.
- A login started elsewhere (the attacker's) cannot be completed in a victim's browser.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import time
from pathlib import Path

import lxml.html
import pytest
import requests

from lms_sandbox.browserless import form_fields
from lms_sandbox.models import PendingLaunch
from lms_sandbox.seed import connect_tool, course_users, launch_url, seed_course
from lti_tool.signals import launch_verified
from tests.browser import CHROMIUM_ARGS, playwright_active

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

MANAGED_POLICIES = Path("/etc/chromium/policies/managed")


def _allowing_wrapper(tmp_path: Path, chromium: str) -> str:
    """Chromium with third-party cookies allowed even where a managed policy blocks them:
    run in a mount namespace of its own, where an empty directory hides the policies."""
    if not any(MANAGED_POLICIES.glob("*.json")):
        return chromium
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("a managed Chromium policy blocks third-party cookies and cannot be lifted")
    empty = tmp_path / "no-policies"
    empty.mkdir()
    wrapper = tmp_path / "chromium-allowing-3pc"
    wrapper.write_text(
        "#!/bin/sh\n"
        f"exec unshare -m -- sh -c 'mount --bind {empty} {MANAGED_POLICIES} && "
        f'exec {chromium} "$@"\' sh "$@"\n'
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return str(wrapper)


@pytest.fixture
def chromium_context(chromium, chromium_path, live_server, tmp_path):
    """`open(third_party_cookies=...)`: a Chromium profile with third-party cookies blocked
    or allowed (its cookie controls preference). Started by the test process's Playwright
    driver (the session's, tests/browser.py), not a driver of its own for each test."""
    contexts = []

    def open_(*, third_party_cookies: bool):
        profile = tmp_path / f"profile-{len(contexts)}"
        (profile / "Default").mkdir(parents=True)
        prefs = {
            "profile": {
                "cookie_controls_mode": 0 if third_party_cookies else 1,
                "block_third_party_cookies": not third_party_cookies,
            }
        }
        (profile / "Default" / "Preferences").write_text(json.dumps(prefs))
        executable = (
            _allowing_wrapper(tmp_path, chromium_path) if third_party_cookies else chromium_path
        )
        # The profile's preference decides, not BLOCK_THIRD_PARTY_COOKIES (which would
        # block them in the "allowed" profile too).
        context = chromium.playwright.chromium.launch_persistent_context(
            str(profile), executable_path=executable, args=CHROMIUM_ARGS
        )
        contexts.append(context)
        return context

    with playwright_active(chromium.loop):
        try:
            yield open_
        finally:
            for context in contexts:
                context.close()


@pytest.fixture
def verified():
    seen = []

    def on_launch(sender, launch, **kwargs):
        seen.append(launch)

    launch_verified.connect(on_launch)
    yield seen
    launch_verified.disconnect(on_launch)


def _sandbox(live_server, flavour: str):
    tool = live_server.url
    assert "//localhost:" in tool
    lms = tool.replace("//localhost:", "//127.0.0.1:")
    sp, _ = connect_tool(
        flavour=flavour, tool_base_url=tool, sandbox_base_url=lms, slug=f"nocookie-{flavour}"
    )
    course = seed_course(platform=sp, title="Cookieless", learners=1)
    return sp, course, course_users(course, "learner")[0]


def _launch_from_course_page(page, sp, course, user) -> None:
    page.goto(f"{sp.root}/course/{course.pk}/")
    form = page.locator("form[target$='-tool-frame']:not(#activity-chooser)")
    form.locator("select[name=user]").select_option(str(user.pk))
    form.locator("button[type=submit]").click()


def _wait_for(condition, timeout: float = 45) -> None:
    deadline = time.time() + timeout
    while not condition() and time.time() < deadline:
        time.sleep(0.2)


def _sandbox_refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "refused an auth request" in r.getMessage()]


def test_moodle_with_cookies_blocked_opens_a_window_before_the_hint_is_spent(
    chromium_context, live_server, verified, caplog
):
    caplog.set_level("INFO")
    sp, course, learner = _sandbox(live_server, "moodle")
    context = chromium_context(third_party_cookies=False)
    page = context.pages[0] if context.pages else context.new_page()
    _launch_from_course_page(page, sp, course, learner)
    frame = page.frame_locator("iframe[name=moodle-tool-frame]")
    button = frame.get_by_role("button", name="Open Credbridge in a new window")
    button.wait_for(timeout=30_000)
    assert frame.locator("#cb-why-blocked").is_visible()
    # The tool has not sent the browser to auth.php yet: Moodle's hint is unspent.
    pending = PendingLaunch.objects.get(platform=sp)
    assert pending.consumed_at is None and verified == []

    with context.expect_page() as opened:
        button.click()  # the user's click: popup blockers let it open a window
    window = opened.value
    _wait_for(lambda: verified)
    assert [launch.user_sub for launch in verified] == [learner.sub]
    window.wait_for_url(lambda url: url.startswith(live_server.url + "/"))
    window.wait_for_load_state()
    assert window.locator("section.refusal").count() == 0
    assert frame.locator("#cb-opened").is_visible()
    # One launch, its hint spent exactly once, by the top-level window; no "Invalid request".
    pending.refresh_from_db()
    assert pending.consumed_at is not None
    assert PendingLaunch.objects.filter(platform=sp).count() == 1
    assert _sandbox_refusals(caplog) == []


def test_moodle_with_cookies_allowed_launches_in_the_iframe(
    chromium_context, live_server, verified, caplog
):
    caplog.set_level("INFO")
    sp, course, learner = _sandbox(live_server, "moodle")
    context = chromium_context(third_party_cookies=True)
    page = context.pages[0] if context.pages else context.new_page()
    _launch_from_course_page(page, sp, course, learner)
    _wait_for(lambda: verified)
    assert [launch.user_sub for launch in verified] == [learner.sub]
    frame = page.frame_locator("iframe[name=moodle-tool-frame]")
    frame.locator("main").first.wait_for(timeout=30_000)
    assert frame.locator("section.refusal").count() == 0
    assert len(context.pages) == 1  # no window of its own
    assert PendingLaunch.objects.get(platform=sp).consumed_at is not None
    assert _sandbox_refusals(caplog) == []


@pytest.mark.parametrize("third_party_cookies", [False, True], ids=["blocked", "allowed"])
def test_canvas_launches_in_the_iframe_through_platform_storage(
    chromium_context, live_server, verified, caplog, third_party_cookies
):
    caplog.set_level("INFO")
    sp, course, learner = _sandbox(live_server, "canvas")
    context = chromium_context(third_party_cookies=third_party_cookies)
    page = context.pages[0] if context.pages else context.new_page()
    _launch_from_course_page(page, sp, course, learner)
    _wait_for(lambda: verified)
    assert [launch.user_sub for launch in verified] == [learner.sub]
    frame = page.frame_locator("iframe[name=canvas-tool-frame]")
    frame.locator("main").first.wait_for(timeout=30_000)
    assert frame.locator("section.refusal").count() == 0
    assert len(context.pages) == 1
    assert PendingLaunch.objects.get(platform=sp).consumed_at is not None
    assert _sandbox_refusals(caplog) == []


def test_a_login_started_elsewhere_cannot_be_completed_in_a_victims_browser(
    chromium_context, live_server, verified, caplog
):
    """Login CSRF: the attacker runs a login with their own account up to the id_token and
    makes the victim's browser post it (with the attacker's state) to the tool."""
    caplog.set_level("WARNING", logger="credbridge.lti")
    sp, course, attacker = _sandbox(live_server, "moodle")
    with requests.Session() as http:
        start = lxml.html.fromstring(http.get(launch_url(course=course, user=attacker)).content)
        login = start.forms[0]
        to_auth = http.post(login.get("action"), data=form_fields(login), allow_redirects=False)
        assert to_auth.status_code == 302
        answer = lxml.html.fromstring(http.get(to_auth.headers["Location"]).content).forms[0]
        stolen = dict(form_fields(answer))
    assert set(stolen) >= {"id_token", "state"}

    context = chromium_context(third_party_cookies=False)
    page = context.pages[0] if context.pages else context.new_page()
    posts = []
    page.on("request", lambda r: posts.append(r.method) if "/lti/launch/" in r.url else None)
    page.goto(f"{sp.root}/")  # the attacker's page, on another site than the tool
    inputs = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in stolen.items())
    page.set_content(
        f'<form id="f" method="post" action="{answer.get("action")}">{inputs}</form>'
        "<script>document.getElementById('f').submit()</script>"
    )
    page.wait_for_url(f"{live_server.url}/lti/launch/", timeout=30_000)
    page.wait_for_load_state()
    assert page.locator("section.refusal").count() == 1
    assert "state_mismatch" in page.content()
    assert verified == []
    # The tool relayed the top-level cross-site POST once (for a Lax cookie), then refused.
    assert posts == ["POST", "POST"]
    refused = [r.getMessage() for r in caplog.records if r.getMessage().startswith("LTI refused")]
    assert refused and all("state_mismatch" in m for m in refused)


def test_moodle_deep_linking_with_cookies_blocked_returns_the_choice_to_the_course_frame(
    chromium_context, live_server, verified
):
    """Moodle opens "Select content" in a frame and expects the response in it
    (contentitem_return.php hands it to its dialog through `parent`). The picker runs in the
    new window; the signed response goes back to the frame, which posts it to the LMS."""
    sp, course, _ = _sandbox(live_server, "moodle")
    links_before = course.resource_links.count()
    context = chromium_context(third_party_cookies=False)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(f"{sp.root}/course/{course.pk}/")
    page.locator("#activity-chooser button[type=submit]").click()  # Add an activity: Credbridge
    frame = page.frame_locator("iframe[name=moodle-tool-frame]")
    button = frame.get_by_role("button", name="Open Credbridge in a new window")
    button.wait_for(timeout=30_000)
    with context.expect_page() as opened:
        button.click()
    window = opened.value
    window.get_by_role("button", name="Place Credbridge").click(timeout=45_000)
    # The LMS received the response in the course page's frame, not in the window.
    frame.get_by_role("heading", name=f"Content added to {course.title}").wait_for(timeout=30_000)
    tool_frame = next(f for f in page.frames if f.name == "moodle-tool-frame")
    assert "/mod/lti/contentitem_return.php" in tool_frame.url
    assert course.resource_links.count() == links_before + 1
    assert window.locator("#deep-link-handed-back").is_visible()
