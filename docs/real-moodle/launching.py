"""Launching Credbridge from Moodle in Chromium, and finding where the launch ended up: the
iframe on Moodle's page, or the top-level window the tool (or Moodle) opened."""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urljoin, urlsplit

from rig import Rig

NEW_WINDOW = re.compile(r"new window|new tab|open credbridge", re.I)


@dataclass
class Launch:
    """Where a launch ended: `surface` is the Page or Frame showing the tool (None if not)."""

    who: str
    surface: object = None
    url: str = ""
    text: str = ""
    statuses: list[str] = field(default_factory=list)  # "POST /lti/launch/ 403", ...
    popup: bool = False

    @property
    def token(self) -> str:
        return parse_qs(urlsplit(self.url).query).get("lt", [""])[0]

    @property
    def ok(self) -> bool:
        return bool(self.token)

    def headline(self) -> str:
        first = " ".join(self.text.split())[:220]
        where = "new window" if self.popup else "iframe"
        return f"{where} {urlsplit(self.url).path or '-'}: {first}"


def _watch(page, rig: Rig, log: list[str]) -> None:
    def record(response) -> None:
        if response.url.startswith(rig.tool_url) and "/static/" not in response.url:
            path = urlsplit(response.url).path
            log.append(f"{response.request.method} {path} {response.status}")
        elif "/mod/lti/auth.php" in response.url or "/mod/lti/launch.php" in response.url:
            log.append(f"{response.request.method} {urlsplit(response.url).path} {response.status}")

    page.on("response", record)


def _settle(surface, seconds: float = 2.0) -> None:
    # A frame replaced mid-wait raises: the caller looks again anyway.
    with contextlib.suppress(Exception):
        surface.wait_for_load_state("load", timeout=20_000)
    time.sleep(seconds)


def _tool_frame(page, rig: Rig):
    for frame in page.frames:
        if frame.url.startswith(rig.tool_url):
            return frame
    # A cross-site frame may be missing from page.frames: ask Moodle's iframe element.
    element = page.locator("#contentframe")
    if element.count():
        frame = element.element_handle().content_frame()
        if frame is not None and frame.url.startswith(rig.tool_url):
            return frame
    return None


def _text(surface) -> str:
    try:
        return surface.inner_text("body", timeout=5_000)
    except Exception as exc:  # noqa: BLE001 - chrome error pages have no readable body
        return f"(unreadable: {type(exc).__name__})"


def launch(rig: Rig, page, *, cmid: int, who: str, follow_new_window: bool = True) -> Launch:
    """Open the activity as Moodle shows it. An embedded activity launches in Moodle's
    iframe; a "new window" one is opened by Moodle's own window.open. If the tool then offers
    a new window (cookies blocked), press it, as a person would, and follow that window."""
    result = Launch(who=who)
    _watch(page, rig, result.statuses)
    context = page.context
    pages_before = set(context.pages)
    page.goto(f"{rig.moodle_url}/mod/lti/view.php?id={cmid}")
    _settle(page, 3.0)
    opened = [p for p in context.pages if p not in pages_before]
    if opened:  # Moodle's "new window" container
        return _finish_in_window(rig, opened[-1], result)
    frame = _tool_frame(page, rig)
    moodle_link = page.locator("a[target=_blank][href*='/mod/lti/launch.php']")
    if frame is None and moodle_link.count():
        # Chromium blocked Moodle's window.open (no user gesture): press Moodle's own link.
        result.statuses.append("(pressed Moodle's: " + moodle_link.first.inner_text()[:40] + ")")
        with context.expect_page(timeout=20_000) as popup:
            moodle_link.first.click()
        return _finish_in_window(rig, popup.value, result)
    if frame is None:
        result.text = _text(page)[:500]
        result.url = page.url
        return result
    _settle(frame, 1.0)
    result.surface, result.url, result.text = frame, frame.url, _text(frame)
    if result.ok or not follow_new_window:
        return result
    opener = frame.get_by_role("link", name=NEW_WINDOW).or_(
        frame.get_by_role("button", name=NEW_WINDOW)
    )
    if opener.count() == 0:
        return result
    said = " ".join(result.text.split())
    result.statuses.append(f"(iframe said: {said[said.find('Credbridge') :][:160]})")
    rig.shot(page, "iframe-" + re.sub(r"\W+", "-", who))
    result.statuses.append("(pressed: " + opener.first.inner_text()[:60] + ")")
    with context.expect_page(timeout=20_000) as popup:
        opener.first.click()
    return _finish_in_window(rig, popup.value, result)


def _finish_in_window(rig: Rig, window, result: Launch) -> Launch:
    """Follow the window's auto-submitted forms until its address stops changing."""
    _watch(window, rig, result.statuses)
    last, stable, deadline = "", 0, time.monotonic() + 30
    while stable < 2 and time.monotonic() < deadline:
        _settle(window, 1.0)
        stable = stable + 1 if window.url == last else 0
        last = window.url
    result.popup = True
    result.surface, result.url, result.text = window, window.url, _text(window)
    return result


def goto(surface, url: str) -> None:
    """Navigate a page, or an iframe (by script, as a link inside it would)."""
    url = urljoin(surface.url, url)
    if hasattr(surface, "goto"):
        surface.goto(url)
    else:
        surface.evaluate("u => { window.location.href = u; }", url)
        time.sleep(0.5)
    surface.wait_for_load_state("load")


def with_lt(url: str, token: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lt={token}"
