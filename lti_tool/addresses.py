"""Which network addresses an outbound call may reach, and resolving names within a deadline.

Public addresses always; loopback, private and link-local ones only for a caller that allows
that kind (a registration that is itself on such an address); multicast, reserved and
unspecified ones never (ADR 0045).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from urllib.parse import urlsplit

# Kinds of non-public addresses a caller may allow (for a registration that is itself on one).
LOOPBACK, PRIVATE, LINK_LOCAL = "loopback", "private", "link-local"
NEVER = ("unspecified", "multicast", "reserved")


def address_kind(address: str) -> str:
    """The kind of address: public, loopback, private, link-local, or one never reached."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        # An IPv4 address wrapped in IPv6 is judged as the IPv4 address it reaches.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in ipaddress.ip_network("64:ff9b::/96"):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    if ip.is_loopback:
        return LOOPBACK
    if ip.is_link_local:
        return LINK_LOCAL
    if ip.is_reserved:
        return "reserved"
    if ip.is_global:
        return "public"
    return PRIVATE  # RFC 1918, unique local, shared address space, documentation ranges


_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="outbound-dns")


def _new_resolver_after_fork() -> None:
    # A forked worker (Celery prefork, gunicorn) inherits the pool but not its threads.
    global _resolver
    _resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="outbound-dns")


os.register_at_fork(after_in_child=_new_resolver_after_fork)


def resolve(host: str, port: int, *, timeout: float) -> list[tuple]:
    """getaddrinfo bounded by `timeout` (the C resolver itself cannot be interrupted)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    future = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        return future.result(timeout=max(0.001, timeout))
    except FutureTimeout as exc:
        future.cancel()
        raise TimeoutError(f"resolving {host} took longer than {timeout:.1f} s") from exc


_home_cache: dict[str, tuple[float, frozenset[str]]] = {}
_HOME_TTL_S = 300.0
_UNRESOLVED_TTL_S = 30.0  # a passing DNS failure must not refuse a private LMS for long


def private_kinds_of(urls: Iterable[str]) -> frozenset[str]:
    """The non-public address kinds the hosts of `urls` are on (cached 5 minutes).

    A registration whose own hosts are on loopback (a test Moodle) may reach loopback
    addresses, and only those; a registration on public hosts reaches public addresses only.
    A name that does not resolve counts as public: the stricter answer.
    """
    kinds: set[str] = set()
    for url in urls:
        parts = urlsplit(url or "")
        host = (parts.hostname or "").lower()
        if not host:
            continue
        cached = _home_cache.get(host)
        if cached and cached[0] > time.monotonic():
            kinds |= cached[1]
            continue
        ttl = _HOME_TTL_S
        try:
            infos = resolve(host, parts.port or 443, timeout=2.0)
            found = {address_kind(info[4][0]) for info in infos}
        except (OSError, ValueError):
            found, ttl = set(), _UNRESOLVED_TTL_S
        mine = frozenset(found & {LOOPBACK, PRIVATE, LINK_LOCAL})
        _home_cache[host] = (time.monotonic() + ttl, mine)
        kinds |= mine
    return frozenset(kinds)
