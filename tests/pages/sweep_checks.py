"""The checks of the every-page sweep (tests/pages/test_every_page.py), run in the page:
the stylesheet applied, nothing wider than the window, axe-core, and the keyboard.

Also which URL patterns are pages a person sees, and which are not (JSON, images, POST-only
actions, the sandbox LMS), so that a new page cannot be added without being swept.
"""

from __future__ import annotations

import functools

from django.urls import URLPattern, URLResolver, get_resolver

# Every stylesheet of the page loaded with rules (an unstyled page could pass vacuously).
STYLED = """() => {
  const sheets = [...document.querySelectorAll('link[rel=stylesheet]')];
  return sheets.length > 0 && sheets.every(l => l.sheet && l.sheet.cssRules.length > 0);
}"""

# The document's width and, when it is too wide, the innermost elements sticking out.
OVERFLOW = """() => {
  const client = document.documentElement.clientWidth;
  const out = [...document.body.querySelectorAll('*')].filter(el =>
    el.getBoundingClientRect().right > client + 1
    && ![...el.children].some(c => c.getBoundingClientRect().right > client + 1));
  return {scroll: document.documentElement.scrollWidth, client,
          culprits: out.slice(0, 3).map(el => el.outerHTML.slice(0, 100))};
}"""

# The elements Tab should stop at, in document order; each gets data-sweep-stop=<index>.
# A radio group is one stop (its checked radio, else its first); scroll boxes made focusable
# with tabindex=0 count like any control.
TAB_STOPS = """() => {
  const selector = 'a[href], button, input, select, textarea, summary, iframe, [tabindex],'
    + ' [contenteditable=""], [contenteditable="true"], audio[controls], video[controls]';
  const shown = el => {
    if (el.closest('[inert], [hidden]')) return false;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return (r.width > 0 || r.height > 0) && s.visibility !== 'hidden';
  };
  const closedDetails = el => {
    const d = el.parentElement && el.parentElement.closest('details:not([open])');
    return d && !(el.tagName === 'SUMMARY' && el.parentElement === d);
  };
  // Another width's walk of the same page may have numbered other elements.
  for (const el of document.querySelectorAll('[data-sweep-stop]')) {
    el.removeAttribute('data-sweep-stop');
  }
  const groups = new Map();
  const stops = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.tabIndex < 0 || el.type === 'hidden' || !shown(el)) continue;
    if (closedDetails(el)) continue;
    if (el.type === 'radio' && el.name) {
      const key = (el.form ? 'f' : 'd') + el.name;
      const radios = [...document.querySelectorAll('input[type=radio]')]
        .filter(r => r.name === el.name && r.form === el.form && !r.disabled && shown(r));
      const chosen = radios.find(r => r.checked) || radios[0];
      if (groups.has(key) || el !== chosen) continue;
      groups.set(key, true);
    }
    stops.push(el);
  }
  stops.forEach((el, i) => el.setAttribute('data-sweep-stop', String(i)));
  return {
    count: stops.length,
    positive: [...document.querySelectorAll('[tabindex]')]
      .filter(el => el.tabIndex > 0).map(el => el.outerHTML.slice(0, 120)),
  };
}"""

# Start at the top, then write down every move of the focus as it happens: what has it, and
# whether a sighted keyboard user can see it (computed at the move; the stylesheets have no
# transitions). Focus leaving the document (to the browser) is written down as null.
START_AT_TOP_AND_RECORD = """() => {
  // The start element marks a document already walked (at another width): its listeners
  // are still there. (Not a window property: set_content's document.open() keeps the
  // window's properties but drops the document's listeners and nodes.)
  let start = document.getElementById('sweep-start');
  const walkedBefore = Boolean(start);
  if (!walkedBefore) {
    start = document.createElement('span');
    start.id = 'sweep-start';
    start.tabIndex = -1;
    document.body.prepend(start);
  }
  start.focus();
  window.scrollTo(0, 0);
  if (walkedBefore) {
    window.__sweepFocus.splice(0);
    return;
  }
  const moves = window.__sweepFocus = [];
  document.addEventListener('focusin', () => {
    const el = document.activeElement;
    if (!el || el === document.body) return;
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow && s.boxShadow !== 'none';
    moves.push({
      stop: el.getAttribute('data-sweep-stop'),
      html: el.outerHTML.slice(0, 120),
      visible: outline || shadow,
    });
  }, true);
  document.addEventListener('focusout', e => { if (!e.relatedTarget) moves.push(null); }, true);
}"""

FOCUS_MOVES = "() => window.__sweepFocus.splice(0)"


# axe-core's own source, read once, evaluated once per document (a second width's check of
# the same page finds it there); the violations filtered in the page, so only the serious
# ones cross to Python, not axe's whole report.
_AXE_PRESENT = "() => typeof window.axe !== 'undefined'"
_AXE_SERIOUS_VIOLATIONS = """async (options) => {
  const results = await axe.run(document, options);
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => [v.id, v.impact, v.nodes.slice(0, 3).map(n => n.html)]);
}"""


@functools.cache
def _axe_source() -> str:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


def axe_serious(page, *, contrast: bool = True) -> list[tuple[str, str, list[str]]]:
    """axe-core's serious and critical violations on the page, as (rule, impact, first three
    nodes' HTML). `contrast=False` leaves out the colour-contrast rule, three quarters of
    axe's time on a page of tables and forms: the every-page sweep checks contrast at its
    first width only, since no stylesheet changes a colour with the width
    (test_no_width_media_query_changes_a_colour)."""
    if not page.evaluate(_AXE_PRESENT):
        page.evaluate(_axe_source())
    options: dict = {"resultTypes": ["violations"]}
    if not contrast:
        options["rules"] = {"color-contrast": {"enabled": False}}
    return [tuple(v) for v in page.evaluate(_AXE_SERIOUS_VIOLATIONS, options)]


def keyboard_problems(page) -> list[str]:
    """Tab from the top of the page through every stop: each stop reached, in document order,
    with a visible focus indicator; no positive tabindex. (A date input takes one Tab for
    each of its parts: repeated stops in a row are one.)"""
    expected = page.evaluate(TAB_STOPS)
    problems = [f"positive tabindex: {html}" for html in expected["positive"]]
    # Tab starts after the focused element (an autofocus field, say): start at the top. The
    # Tabs go in batches, the focus's moves read after each (a round trip per Tab, not two).
    page.evaluate(START_AT_TOP_AND_RECORD)
    reached: list[str | None] = []
    budget = 4 * expected["count"] + 3
    done = False
    while budget > 0 and not done:
        batch = min(budget, max(1, expected["count"] - len(reached) + 2))
        for _ in range(batch):
            page.keyboard.press("Tab")
        budget -= batch
        for focused in page.evaluate(FOCUS_MOVES):
            if focused is None or (reached and focused["stop"] == "0"):
                done = True  # left the document or wrapped around
                break
            if reached and focused["stop"] == reached[-1]:
                continue
            reached.append(focused["stop"])
            if not focused["visible"]:
                problems.append(f"focus not visible: {focused['html']}")
            if focused["stop"] is None:
                problems.append(f"Tab stops at an unexpected element: {focused['html']}")
    order = [int(stop) for stop in reached if stop is not None]
    if order != list(range(expected["count"])):
        problems.append(f"Tab order {order} instead of 0..{expected['count'] - 1}")
    return problems


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace or ""
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner or namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            yield name, prefix + str(entry.pattern)


def url_patterns() -> dict[str, str]:
    """Every named URL pattern of the site (route name -> pattern), Django's admin aside."""
    return {
        name: route
        for name, route in _walk(get_resolver().url_patterns)
        if not route.startswith("admin/")
    }
