"""Criterion keys made from their names (pure): an instructor never invents a slug.

A key names the criterion's gradebook column tag and its evidence, so a saved key is never
changed by renaming the criterion; only criteria without one get a new key.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.text import slugify

from .spec import KEY_RE

MAX_KEY = 64


def key_from_title(title: str, taken: Iterable[str]) -> str:
    """A key matching KEY_RE made from `title`, not in `taken` (a number is appended)."""
    used = set(taken)
    base = slugify(title or "")[:MAX_KEY].strip("-_") or "criterion"
    if not KEY_RE.match(base):  # e.g. starts with "_" after slugify of odd input
        base = f"c-{base}"[:MAX_KEY]
    key, n = base, 1
    while key in used:
        n += 1
        suffix = f"-{n}"
        key = f"{base[: MAX_KEY - len(suffix)]}{suffix}"
    return key


def assign_keys(titles_and_keys: list[tuple[str, str]]) -> list[str]:
    """Each criterion's key: its own when it has one (stable once saved), else one made
    from its title that no other criterion of the version uses."""
    taken = {key for _, key in titles_and_keys if key}
    keys = []
    for title, key in titles_and_keys:
        if not key:
            key = key_from_title(title, taken)
            taken.add(key)
        keys.append(key)
    return keys
