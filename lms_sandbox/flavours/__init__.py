"""Each LMS flavour's shapes (claims, URLs, errors, pagination) behind one interface."""

from __future__ import annotations

from ..models import SandboxPlatform
from .base import Flavour, LaunchInput
from .canvas import CanvasFlavour
from .moodle import MoodleFlavour

_FLAVOURS: dict[str, Flavour] = {"moodle": MoodleFlavour(), "canvas": CanvasFlavour()}

__all__ = ["Flavour", "LaunchInput", "get_flavour"]


def get_flavour(platform: SandboxPlatform | str) -> Flavour:
    name = platform if isinstance(platform, str) else platform.flavour
    try:
        return _FLAVOURS[name]
    except KeyError:
        raise ValueError(f"unknown sandbox flavour {name!r}") from None
