"""Which origins may frame the tool: the active platforms' (CSP frame-ancestors).

A pending registration adds nothing: anyone can make one, so its origins are not trusted
until an operator approves it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Platform, parse_hosts

CACHE_KEY = "lti-frame-ancestors:v2"
_CACHE_S = 300
# Counts this process's platform changes: a list read before one, earlier in the same
# request (ReadAhead), is not used after it.
_changes = 0


@dataclass(frozen=True)
class ReadAhead:
    """The cached list as read at the start of a request, with the request's launch (one
    round trip, lti_tool.middleware); None when it was not cached."""

    value: str | None
    changes: int


def read_ahead(found: dict) -> ReadAhead:
    """From the entries a `get_many` that included CACHE_KEY found."""
    return ReadAhead(value=found.get(CACHE_KEY), changes=_changes)


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


def frame_ancestors(ahead: ReadAhead | None = None) -> str:
    """`ahead`: the cached list read earlier in this request, used unless a platform changed
    in this process since (then, or when it was not cached, the cache is read again)."""
    if ahead is not None and ahead.value is not None and ahead.changes == _changes:
        return ahead.value
    value = cache.get(CACHE_KEY)
    if value is None:
        origins: set[str] = set()
        for platform in Platform.objects.filter(status=Platform.Status.ACTIVE).only(
            "issuer", "auth_login_url", "auth_token_url", "service_hosts"
        ):
            origins |= platform_origins(platform)
        value = " ".join(["'self'", *sorted(origins)])
        cache.set(CACHE_KEY, value, _CACHE_S)
    return value


@receiver([post_save, post_delete], sender=Platform)
def _forget(**kwargs) -> None:
    global _changes
    _changes += 1  # any change of the count will do: a lost update between threads too
    # Again after the commit: a request between the save and the commit would otherwise
    # cache the old list (an approval missing from it) for _CACHE_S.
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
