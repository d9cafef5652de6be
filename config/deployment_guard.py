"""Is this a public deployment? Then the development secrets must not be used.

The answer depends on where the tool is reachable, not on the scheme: a campus deployment on
plain http with the published development SECRET_KEY would still sign launch tokens and
handoff codes anyone can forge. Only loopback names count as local.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]", "testserver"}


def is_local_host(host: str) -> bool:
    host = host.strip().lower().rstrip(".")
    if host.startswith("[") and "]" in host:  # "[::1]:8000"
        host = host[: host.index("]") + 1]
    elif host.count(":") == 1:  # "localhost:8000"
        host = host.split(":", 1)[0]
    return host in _LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127.")


def is_public_deployment(public_base_url: str, allowed_hosts: Iterable[str]) -> bool:
    hosts = [urlsplit(public_base_url).hostname or "", *allowed_hosts]
    return any(not is_local_host(h) for h in hosts)
