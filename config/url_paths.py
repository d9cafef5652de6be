"""The path of a URL name that takes no arguments, worked out once per process.

Django's `reverse()` works the path out from the URL patterns on every call: ~30 µs of CPU in
a loop, 50-70 µs inside a request on this machine. A launch names the same few paths in each
of its answers (the launch URL for the platform's redirect_uri and the state cookies, the
landing page, the learner page's links), and the answer depends only on the URL configuration
and the script prefix, so it is kept per (name, script prefix, URL configuration) and
forgotten when ROOT_URLCONF changes (tests). A name that does not reverse raises every time.
"""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

_paths: dict[tuple[str, str, Any], str] = {}


def fixed_path(name: str) -> str:
    """`reverse(name)` for a URL name without arguments."""
    key = (name, get_script_prefix(), get_urlconf())
    path = _paths.get(key)
    if path is None:
        path = _paths[key] = reverse(name)
    return path


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":
        _paths.clear()
