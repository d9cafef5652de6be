"""Chromium for the browser tests: one Playwright driver and one browser per test process, and
a fresh context (its own cookies, storage and cache) with one page for each test.

Starting the driver and the browser took 2-4 s a test; a context takes milliseconds.

Playwright's sync API marks its event loop as running in this thread after every call, and
Django refuses ORM calls from a thread with a running loop. Between browser tests nothing else
may see that loop: the other tests' ORM calls would fail, and setting
DJANGO_ALLOW_ASYNC_UNSAFE for the whole run would hide real mistakes (and reach the
subprocesses that tests start). So the loop is marked running only while a browser test runs,
as it would be inside `sync_playwright()`, and the flag is set only then.

While the loop is marked running, Django keeps this thread's database connections apart from
the ones it uses otherwise (its connection handler is "thread critical": in a thread with a
running loop it stores them per context). An ORM call in a browser test therefore opens a
second connection, which nothing outside that window sees or closes; on PostgreSQL it kept a
session on the test database, which then could not be dropped. So the window closes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connections

# Debian's Chromium, headless, without the background traffic of a desktop browser, and with
# every frame in its page's renderer process (no site isolation): see SITE_ISOLATION_OFF.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# An LTI launch's iframe leaves the tool's site for the LMS's auth endpoint, on the course
# page's own site, and comes back within a tenth of a second. With site isolation it leaves its
# renderer process for the page's and enters a new one, and Playwright's Chromium driver does
# not follow that reliably: the old process's frame target detaches, the driver waits for a
# round trip to the page's renderer before disposing of the old session, and when the frame is
# back in a new process before the reply (a new target under the same id: the frame's), that
# disposal deletes the driver's entry for the id, by then the new session's. The new session's
# events are then dropped as stale: Chromium shows the tool's page, Playwright sees no content
# in the frame until its timeout (on quicker round trips its driver may instead fail an
# assertion and close the connection). Seen in protocol logs of the QA handoff test, the reply
# 116 ms after the new target; tests/test_browser_frames.py repeats the round trip.
# In one process the frame has no target of its own to lose. Nothing the tests observe depends
# on processes: cookies, SameSite, storage partitioning, postMessage origins and CSP
# frame-ancestors are decided by site and origin. docs/real-moodle/rig.py runs Chromium so too.
SITE_ISOLATION_OFF = [
    "--disable-site-isolation-trials",
    "--disable-features=IsolateOrigins,site-per-process",
]
CHROMIUM_ARGS += SITE_ISOLATION_OFF
# Third-party cookies blocked, as Chrome now ships and as the full headless Chromium does by
# default. Chromium's headless build (the browser these tests run where it is installed,
# tests/conftest.py page_chromium_path) lets them through unless told; this switch is the one
# Chromium's own tests use to turn the blocking on. tests/test_browser_cookies.py shows a
# cross-site frame's cookie stays home, so a launch that only works with third-party cookies
# fails here as it would for a learner. (The cookieless-launch tests set cookies per profile,
# blocked or allowed, and start Chromium without it.)
BLOCK_THIRD_PARTY_COOKIES = ["--test-third-party-cookie-phaseout"]


@dataclass
class Chromium:
    browser: Any  # playwright.sync_api.Browser
    loop: asyncio.AbstractEventLoop
    playwright: Any  # playwright.sync_api.Playwright: the driver, for a second browser


@contextlib.contextmanager
def playwright_active(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    asyncio.events._set_running_loop(loop)
    try:
        yield
    finally:
        try:
            # Still marked running: these are the connections opened in this window only.
            connections.close_all()
        finally:
            asyncio.events._set_running_loop(None)
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def chromium(page_chromium_path: str) -> Iterator[Chromium]:
    from playwright.sync_api import sync_playwright

    manager = sync_playwright()
    playwright = manager.start()
    loop = asyncio.get_running_loop()  # marked running by the call above
    try:
        with playwright_active(loop):
            browser = playwright.chromium.launch(
                executable_path=page_chromium_path, args=CHROMIUM_ARGS + BLOCK_THIRD_PARTY_COOKIES
            )
        yield Chromium(browser=browser, loop=loop, playwright=playwright)
        with playwright_active(loop):
            browser.close()
    finally:
        with playwright_active(loop):
            manager.__exit__()


@pytest.fixture
def browser_page(chromium: Chromium, live_server) -> Iterator[Any]:
    """A Playwright page in a new context of the test process's headless Chromium."""
    with playwright_active(chromium.loop):
        context = chromium.browser.new_context()
        try:
            yield context.new_page()
        finally:
            context.close()
