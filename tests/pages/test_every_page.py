"""Every page a person reaches, in Chromium on a phone (390 px) and a desktop (1280 px): the
stylesheet applied, nothing scrolls sideways (wide tables scroll in their own box), axe-core
finds nothing serious or critical, and the keyboard reaches every control in document order
with a visible focus and no positive tabindex.

Each width, and the German phone pass, is a test of its own that builds the data and collects
every problem, so one run lists all of them. The world it builds is `sweep_world.py`, the
pages it visits there `sweep_visits.py`, and the URL table `sweep_routes.py`:
`test_every_url_pattern_is_swept_or_named_not_a_page` keeps that table whole: a new GET page
in config/urls.py fails it until it is swept or named as not a page (JSON, images, POST-only
actions).
"""

from __future__ import annotations

import sys

import pytest

from tests.qa_console.browser_helpers import qa_user, sign_in

from . import screenshots
from .sweep_checks import OVERFLOW, STYLED, axe_serious, keyboard_problems, url_patterns
from .sweep_routes import NOT_PAGE_PREFIXES, NOT_PAGES, PAGES
from .sweep_visits import sweep_visits
from .sweep_world import build_sweep_world
from .test_browser import open_in_lms

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

WIDTHS = (390, 1280)
# The sweep opens these with a missing or made-up launch on purpose.
REFUSED_ON_PURPOSE = {"launch refused", "launch expired"}


def test_every_url_pattern_is_swept_or_named_not_a_page():
    names = set(url_patterns())
    unknown = {
        name
        for name in names - set(PAGES) - set(NOT_PAGES)
        if not name.startswith(NOT_PAGE_PREFIXES)
    }
    assert unknown == set(), "sweep these pages (sweep_visits.py) and list them in sweep_routes.py"
    assert set(PAGES) & set(NOT_PAGES) == set()
    assert (set(PAGES) | set(NOT_PAGES)) - names == set(), "stale names in the sweep's lists"


def _check(page, width: int, name: str = "") -> tuple[int, list[str]]:
    """The page's document width and what is wrong with it."""
    page.wait_for_load_state("load")  # stylesheets too, after a form's navigation
    refusal = page.locator("#refusal-title")
    if refusal.count() and name not in REFUSED_ON_PURPOSE:
        # A refused launch page would pass every check below; the next visit that looks for
        # a page's own control would then time out pages later, with no word of why.
        pytest.fail(f"{name}: the launch was refused: {page.locator('main').inner_text()}")
    screenshots.take(page, name, width)  # before the Tab walk moves focus and scroll
    problems = []
    if page.locator("main h1").count() != 1:
        problems.append("not one <h1> in a <main>")
    if not page.evaluate(STYLED):
        problems.append("stylesheet not applied")
    size = page.evaluate(OVERFLOW)
    if size["scroll"] > size["client"]:
        problems.append(
            f"{size['scroll']} px wide in a {size['client']} px window: {size['culprits']}"
        )
    problems += [f"axe {rule} ({impact}): {nodes}" for rule, impact, nodes in axe_serious(page)]
    problems += keyboard_problems(page)
    return size["scroll"], problems


def _sweep_in_german(browser, public, widths, failures) -> None:
    """German words are longer: the public pages in a German browser, on a phone."""
    german = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 900})
    page = german.new_page()
    for name, go in public:
        go(page)
        page.wait_for_load_state("load")
        size = page.evaluate(OVERFLOW)
        widths.setdefault(f"{name} (de)", {})[390] = size["scroll"]
        if size["scroll"] > size["client"]:
            failures[f"{name} (de)", 390] = [f"{size}"]
    german.close()


# Three tests, not one: each builds the world again (a few seconds), and the parts then run on
# different test processes at once instead of one process sweeping for minutes (ADR 0069).
SWEEPS = {f"{width}px": ((width,), False) for width in WIDTHS} | {"german": ((), True)}


@pytest.mark.parametrize("sweep", SWEEPS)
def test_every_page_fits_and_works_by_keyboard(sweep, browser_page, live_server, settings):
    sweep_widths, in_german = SWEEPS[sweep]
    settings.PUBLIC_BASE_URL = live_server.url
    base = live_server.url
    sw = build_sweep_world(base)
    w = sw.w
    public, qa, deep_link = sweep_visits(sw, base)
    browser = browser_page.context.browser
    qa_context = browser.new_context()
    qa_page = qa_context.new_page()
    failures: dict[tuple[str, int], list[str]] = {}
    widths: dict[str, dict[int, int]] = {}
    try:
        sign_in(qa_page, live_server, qa_user(w.platform))
        for width in sweep_widths:
            # Signed out of the console: the sign-in page.
            login_context = browser.new_context(viewport={"width": width, "height": 900})
            login = login_context.new_page()
            login.goto(f"{base}/qa/login/")
            widths.setdefault("QA sign-in", {})[width], problems = _check(login, width)
            login_context.close()
            if problems:
                failures["QA sign-in", width] = problems
            for page, visits in ((browser_page, public), (qa_page, qa)):
                page.set_viewport_size({"width": width, "height": 900})
                for name, go in visits:
                    go(page)
                    widths.setdefault(name, {})[width], problems = _check(page, width, name)
                    if problems:
                        failures[name, width] = problems
            # The picker as the LMS shows it: in a frame, narrower than the window.
            browser_page.set_viewport_size({"width": width, "height": 900})
            frame = open_in_lms(browser_page, live_server, f"/lti/deep-link/?lt={deep_link}")
            size = frame.locator("html").evaluate(f"({OVERFLOW})()")
            if size["scroll"] > size["client"]:
                failures["deep-linking picker (framed)", width] = [f"{size}"]
        if in_german:
            _sweep_in_german(browser, public, widths, failures)
    finally:
        qa_context.close()
    report = "\n".join(
        f"{name:28} " + "  ".join(f"{width}: {px:5} px" for width, px in sorted(by.items()))
        for name, by in widths.items()
    )
    print(f"\n{len(widths)} pages, document widths:\n{report}", file=sys.stderr)
    if in_german:
        assert {f"{name} (de)" for name, _ in public} <= set(widths)
    else:
        assert set(PAGES.values()) <= set(widths), set(PAGES.values()) - set(widths)
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())
