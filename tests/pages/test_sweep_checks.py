"""The sweep's keyboard and axe checks find what they are there to find
(tests/pages/sweep_checks.py): on pages made for it, each fault is reported, and a good page
reports nothing."""

import pytest

from .sweep_checks import axe_serious, keyboard_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STYLE = "<style>:focus-visible { outline: 2px solid #036; }</style>"


def _problems(page, body: str, style: str = STYLE) -> list[str]:
    page.set_content(f"<!doctype html><html lang=en><head>{style}</head><body>{body}</body></html>")
    return keyboard_problems(page)


def test_the_keyboard_check_reports_each_fault_and_nothing_on_a_good_page(browser_page):
    page = browser_page
    good = '<a href="#a">a</a><button>b</button><input type="date"><select><option>x</select>'
    assert _problems(page, good) == []
    unseen = _problems(page, good, style="<style>*:focus { outline: none; }</style>")
    assert len([p for p in unseen if p.startswith("focus not visible")]) == 4
    # The sweep walks one loaded page again at its second width: the same findings.
    page.set_viewport_size({"width": 390, "height": 900})
    assert keyboard_problems(page) == unseen
    jumbled = _problems(page, '<button>one</button><button tabindex="2">two</button>')
    assert any(p.startswith("positive tabindex") for p in jumbled)
    assert any(p.startswith("Tab order [0] instead of 0..1") for p in jumbled)
    skipped = _problems(
        page, '<button>one</button><div tabindex="0" hidden>x</div><a href="#">z</a>'
    )
    assert skipped == []  # a hidden element is no stop, and Tab does not stop on it either


def test_the_axe_check_reports_serious_violations_and_contrast_only_when_asked(browser_page):
    page = browser_page
    faint = '<main><h1>T</h1><p style="color:#ccc;background:#fff">faint words</p>'
    page.set_content(f"<!doctype html><html lang=en><head><title>t</title></head>{faint}</main>")
    found = axe_serious(page)
    assert [(rule, impact) for rule, impact, _ in found] == [("color-contrast", "serious")]
    assert "faint words" in found[0][2][0]
    # The same document again (axe already in it), as the sweep's second width checks it.
    assert axe_serious(page, contrast=False) == []
    assert axe_serious(page) == found
    # A new document has no axe in it: it is brought in again, and finds what is there.
    page.set_content('<!doctype html><html><body><img src="x.png"></body></html>')
    rules = {rule for rule, _, _ in axe_serious(page)}
    assert {"html-has-lang", "image-alt"} <= rules
