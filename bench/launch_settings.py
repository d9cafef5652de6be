"""Settings for bench/launch.py's server: the project's settings, with the cache's entry limit
raised. Django's database and local-memory caches keep 300 entries by default and then cull a
third of them, live OIDC login states included; 200 launches in a few seconds exceed that.
(Reported to the lead: the same limit belongs in config/settings.py.)"""

from config.settings import *  # noqa: F403

if "redis" not in CACHES["default"]["BACKEND"]:  # noqa: F405 - Redis has no such limit
    CACHES["default"].setdefault("OPTIONS", {})["MAX_ENTRIES"] = 200_000  # noqa: F405
