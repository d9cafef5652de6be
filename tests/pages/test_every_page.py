"""Every page a person reaches, in Chromium on a phone (390 px) and a desktop (1280 px): the
stylesheet applied, nothing scrolls sideways (wide tables scroll in their own box), axe-core
finds nothing serious or critical, and the keyboard reaches every control in document order
with a visible focus and no positive tabindex.

Each page is loaded once and checked at each width in turn (the window resized). The pages
are swept in four parts (two halves of the public and LMS pages, the QA console with the
framed picker, the public pages in German on a phone), each a test of its own that builds
the data and collects every problem, so one run lists all of them. The world it builds is
`sweep_world.py`, the pages it visits there `sweep_visits.py`, and the URL table
`sweep_routes.py`:
`test_every_url_pattern_is_swept_or_named_not_a_page` keeps that table whole: a new GET page
in config/urls.py fails it until it is swept or named as not a page (JSON, images, POST-only
actions).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

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


# What a width's media query may not set, so that contrast checked at one width holds at all.
COLOUR_PROPERTIES = re.compile(
    r"(?<![-\w])(color|background(-color|-image)?|opacity|filter|mix-blend-mode"
    r"|-webkit-text-fill-color)\s*:",
)
STYLE_SOURCES = ("config/static", "rubrics/static", "qa_console/static", "*/templates")


def _width_media_blocks(css: str):
    """The bodies of the @media blocks whose condition names a width."""
    for match in re.finditer(r"@media([^{]*)\{", css):
        depth, end = 1, match.end()
        while depth and end < len(css):
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        if "width" in match.group(1):
            yield css[match.end() : end - 1]


def test_no_width_media_query_changes_a_colour():
    """The sweep checks colour contrast at its first width only (axe's costliest rule): that
    holds only while no stylesheet or template style sets a colour for some widths."""
    root = Path(__file__).resolve().parents[2]
    files = [
        path
        for pattern in STYLE_SOURCES
        for path in root.glob(f"{pattern}/**/*")
        if path.suffix in {".css", ".html"}
    ]
    blocks = [(p, b) for p in files for b in _width_media_blocks(p.read_text(encoding="utf-8"))]
    assert len(blocks) >= 2, "the width media queries were not found: is the glob stale?"
    colours = {
        (str(path.relative_to(root)), m.group(1))
        for path, block in blocks
        for m in COLOUR_PROPERTIES.finditer(block)
    }
    assert colours == set(), "check contrast at every width in _check, or move these out"


def _check(page, width: int, name: str = "") -> tuple[int, list[str]]:
    """The page's document width and what is wrong with it, at this width."""
    page.wait_for_load_state("load")  # stylesheets too, after a form's navigation
    refusal = page.locator("#refusal-title")
    if refusal.count() and name not in REFUSED_ON_PURPOSE:
        # A refused launch page would pass every check below; the next visit that looks for
        # a page's own control would then time out pages later, with no word of why.
        pytest.fail(f"{name}: the launch was refused: {page.locator('main').inner_text()}")
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate(TOP_UNFOCUSED)  # the previous width's Tab walk moved focus and scroll
    screenshots.take(page, name, width)  # before this width's Tab walk
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
    # Contrast at the first width only: the colours are the same at every width (see
    # test_no_width_media_query_changes_a_colour), and it is most of axe's time.
    violations = axe_serious(page, contrast=width == WIDTHS[0])
    problems += [f"axe {rule} ({impact}): {nodes}" for rule, impact, nodes in violations]
    problems += keyboard_problems(page)
    return size["scroll"], problems


# Back to the top of the page with nothing focused, as a page is when it has just loaded.
TOP_UNFOCUSED = "() => { document.activeElement?.blur(); window.scrollTo(0, 0); }"


def _check_at_every_width(page, name: str, widths, failures) -> None:
    """One load of the page, checked at each width in turn (the window resized): the pages'
    layout is CSS alone (no script reads the window's width), so a resized page is laid out
    as a page loaded at that width, and the sweep loads each page once, not once a width."""
    for width in WIDTHS:
        widths.setdefault(name, {})[width], problems = _check(page, width, name)
        if problems:
            failures[name, width] = problems


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


# Four tests, not one: each builds the world again (a couple of seconds) and sweeps its part
# of the pages, so the parts run on different test processes at once (ADR 0069, 0082).
PUBLIC_HALVES = {"public pages, first half": 0, "public pages, second half": 1}
SWEEPS = [*PUBLIC_HALVES, "QA console and the framed picker", "public pages in German"]


@pytest.mark.parametrize("sweep", SWEEPS)
def test_every_page_fits_and_works_by_keyboard(sweep, browser_page, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    base = live_server.url
    sw = build_sweep_world(base)
    public, qa, deep_link = sweep_visits(sw, base)
    browser = browser_page.context.browser
    failures: dict[tuple[str, int], list[str]] = {}
    widths: dict[str, dict[int, int]] = {}
    if sweep in PUBLIC_HALVES:
        half = len(public) // 2
        mine = public[:half] if PUBLIC_HALVES[sweep] == 0 else public[half:]
        for name, go in mine:
            go(browser_page)
            _check_at_every_width(browser_page, name, widths, failures)
        expected = {name for name, _ in mine}
    elif sweep == "public pages in German":
        _sweep_in_german(browser, public, widths, failures)
        expected = {f"{name} (de)" for name, _ in public}
    else:
        _sweep_console(browser, sw, live_server, qa, widths, failures)
        # The picker as the LMS shows it: in a frame, narrower than the window.
        frame = open_in_lms(browser_page, live_server, f"/lti/deep-link/?lt={deep_link}")
        for width in WIDTHS:
            browser_page.set_viewport_size({"width": width, "height": 900})
            size = frame.locator("html").evaluate(f"({OVERFLOW})()")
            if size["scroll"] > size["client"]:
                failures["deep-linking picker (framed)", width] = [f"{size}"]
        expected = {"QA sign-in"} | {name for name, _ in qa}
    report = "\n".join(
        f"{name:28} " + "  ".join(f"{width}: {px:5} px" for width, px in sorted(by.items()))
        for name, by in widths.items()
    )
    print(f"\n{len(widths)} pages, document widths:\n{report}", file=sys.stderr)
    assert set(widths) == expected
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())


def _sweep_console(browser, sw, live_server, qa, widths, failures) -> None:
    """The QA console: its sign-in page signed out, then every page signed in."""
    login_context = browser.new_context()
    login = login_context.new_page()
    login.goto(f"{live_server.url}/qa/login/")
    _check_at_every_width(login, "QA sign-in", widths, failures)
    login_context.close()
    qa_context = browser.new_context()
    try:
        qa_page = qa_context.new_page()
        sign_in(qa_page, live_server, qa_user(sw.w.platform))
        for name, go in qa:
            go(qa_page)
            _check_at_every_width(qa_page, name, widths, failures)
    finally:
        qa_context.close()


def test_the_sweep_visits_every_page_of_the_table(live_server, settings):
    """Every page sweep_routes.PAGES names is in one of the sweep's parts (the parts' own
    assertions check only what each part visits)."""
    settings.PUBLIC_BASE_URL = live_server.url
    public, qa, _ = sweep_visits(build_sweep_world(live_server.url), live_server.url)
    swept = {name for name, _ in public} | {name for name, _ in qa} | {"QA sign-in"}
    assert set(PAGES.values()) <= swept, set(PAGES.values()) - swept
