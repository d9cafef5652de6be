"""Paging collections: which window a request asks for, and the slice it gets.

The flavours decide the parameter names and the `Link` header's style; this module only
does the arithmetic, the same for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import overload


class BadPage(ValueError):
    """A paging parameter that is not a usable number."""


@dataclass(frozen=True)
class Window:
    offset: int
    limit: int | None  # None: everything, no Link header (Moodle without `limit`)


@overload
def positive_int(raw: str | None, *, name: str, default: int, minimum: int = 0) -> int: ...
@overload
def positive_int(
    raw: str | None, *, name: str, default: int | None, minimum: int = 0
) -> int | None: ...
def positive_int(
    raw: str | None, *, name: str, default: int | None, minimum: int = 0
) -> int | None:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadPage(f"{name} must be an integer") from None
    if value < minimum:
        raise BadPage(f"{name} must be at least {minimum}")
    return value


def take(items, window: Window) -> tuple[list, int]:
    """The page's items and the collection's total (works on lists and querysets)."""
    total = items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
    if window.limit is None:
        return list(items[window.offset :]), total
    return list(items[window.offset : window.offset + window.limit]), total
