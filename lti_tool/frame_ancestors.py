"""Which origins may frame the tool: the active platforms' (CSP frame-ancestors).

A pending registration adds nothing: anyone can make one, so its origins are not trusted
until an operator approves it."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Platform, parse_hosts

_CACHE_KEY = "lti-frame-ancestors:v2"
_CACHE_S = 300


def _origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme in ("https", "http") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc.lower()}"
    return None


def platform_origins(platform: Platform) -> set[str]:
    """The issuer, login and token hosts, plus the extra service hosts (Canvas serves its
    pages from each school's own host, which is where the iframe lives)."""
    origins = {
        o
        for o in map(_origin, (platform.issuer, platform.auth_login_url, platform.auth_token_url))
        if o
    }
    scheme = "http" if platform.issuer.startswith("http://") else "https"
    for host in parse_hosts(platform.service_hosts):
        origins.add(f"{scheme}://{host}")
    return origins


def frame_ancestors() -> str:
    value = cache.get(_CACHE_KEY)
    if value is None:
        origins: set[str] = set()
        for platform in Platform.objects.filter(status=Platform.Status.ACTIVE).only(
            "issuer", "auth_login_url", "auth_token_url", "service_hosts"
        ):
            origins |= platform_origins(platform)
        value = " ".join(["'self'", *sorted(origins)])
        cache.set(_CACHE_KEY, value, _CACHE_S)
    return value


@receiver([post_save, post_delete], sender=Platform)
def _forget(**kwargs) -> None:
    # Again after the commit: a request between the save and the commit would otherwise
    # cache the old list (an approval missing from it) for _CACHE_S.
    cache.delete(_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(_CACHE_KEY))
