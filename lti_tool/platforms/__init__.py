"""Per-LMS adapters, chosen from the registration's flavour (and only here)."""

from __future__ import annotations

from .base import PlatformAdapter
from .canvas import CanvasAdapter
from .generic import GenericAdapter
from .moodle import MoodleAdapter

_ADAPTERS: dict[str, type[PlatformAdapter]] = {
    "moodle": MoodleAdapter,
    "canvas": CanvasAdapter,
    "generic": GenericAdapter,
}


def get_adapter(platform) -> PlatformAdapter:
    """The adapter of a registration; unknown flavours get the specification's behaviour."""
    return _ADAPTERS.get(getattr(platform, "flavour", "") or "generic", GenericAdapter)(platform)


__all__ = ["PlatformAdapter", "get_adapter"]
