"""The static files' storage: WhiteNoise's hashed, compressed copies (collectstatic), with each
file's URL worked out once per process.

Every page names its stylesheet and scripts with `{% static %}`, and Django's manifest storage
works the URL out again on each call (the manifest lookup, two URL parses, a join and an
unquote: ~0.05-0.09 ms a tag on this machine, ADR 0083). The answer depends only on the name,
the manifest (read once, when the storage is built) and the settings (DEBUG, STATIC_URL), so it
is kept per name and forgotten when one of those settings changes (tests).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

# Names come from templates, but a view could pass others: a bound, not a leak.
_MAX_NAMES = 1024


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool, bool], str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        key = (name or "", force, settings.DEBUG)
        found = self._urls.get(key)
        if found is None:
            found = super().url(name, force)  # a name missing from the manifest raises
            if len(self._urls) >= _MAX_NAMES:
                self._urls.clear()
            self._urls[key] = found
        return found

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        # Django's storages recompute their base URL and location when a setting changes.
        super()._clear_cached_properties(setting, **kwargs)
        self._urls.clear()
