"""Per-LMS adapters, chosen by one factory (`adapter_class`) from the LMS's product family.

The family is the `product_family_code` of the platform's openid-configuration (Dynamic
Registration) or of its launches, stored on the registration as `Platform.flavour`. A family
without an adapter (or none at all) gets the specification's behaviour, never an error.
Nothing outside this package compares a family or flavour (tests/test_lms_branches.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..tool_configuration import PLATFORM_CONFIG
from .base import PlatformAdapter
from .canvas import CanvasAdapter
from .generic import GenericAdapter
from .moodle import MoodleAdapter

if TYPE_CHECKING:  # for type hints only: the adapters use no model at run time
    from ..models import Platform

_ADAPTERS: tuple[type[PlatformAdapter], ...] = (MoodleAdapter, CanvasAdapter)
_BY_FAMILY: dict[str, type[PlatformAdapter]] = {a.flavour: a for a in _ADAPTERS}


def adapter_class(product_family: str) -> type[PlatformAdapter]:
    """The factory: the adapter of a product family ("moodle", "canvas", ...), else generic."""
    return _BY_FAMILY.get(str(product_family or "").strip().lower(), GenericAdapter)


def get_adapter(platform: Platform) -> PlatformAdapter:
    """The adapter of a registered platform (by the family stored at registration)."""
    return adapter_class(getattr(platform, "flavour", ""))(platform)


def product_family(platform_config: dict[str, Any]) -> str:
    """The `product_family_code` an openid-configuration declares ("" when none)."""
    info = platform_config.get(PLATFORM_CONFIG)
    family = info.get("product_family_code") if isinstance(info, dict) else None
    return family if isinstance(family, str) else ""


def adapter_for_configuration(platform_config: dict[str, Any]) -> PlatformAdapter:
    """The adapter of a platform being registered, before any platform record exists."""
    return adapter_class(product_family(platform_config))()


def shared_issuers() -> frozenset[str]:
    """Issuers that many independent installations share (a cloud LMS), whatever family a
    configuration claims: the issuer itself decides, not the family it says it is."""
    return frozenset().union(*(a.shared_issuers for a in _ADAPTERS))


def registration_token_refusal(registration_token: str) -> str:
    """Why any LMS's registration token must be refused before anything is read or sent
    (e.g. Moodle's "Update" token), or ""; asked before the family is known."""
    adapters: tuple[type[PlatformAdapter], ...] = (GenericAdapter, *_ADAPTERS)
    for adapter in adapters:
        refusal = adapter.registration_token_refusal(registration_token)
        if refusal:
            return refusal
    return ""


__all__ = [
    "PlatformAdapter",
    "adapter_class",
    "adapter_for_configuration",
    "get_adapter",
    "product_family",
    "registration_token_refusal",
    "shared_issuers",
]
