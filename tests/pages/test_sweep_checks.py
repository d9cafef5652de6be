"""The sweep's keyboard check finds what it is there to find (tests/pages/sweep_checks.py):
on pages made for it, each fault is reported, and a good page reports nothing."""

import pytest

from .sweep_checks import keyboard_problems

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
