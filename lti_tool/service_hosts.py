"""The hosts a registration's outbound calls may reach: fixed at registration (ADR 0045).

They are the hosts of the registration's own URLs (issuer, login, token, key set) plus the
service hosts listed when it was made: by Dynamic Registration (Canvas: the school's host the
registration came from) or by an operator (`register_platform --service-host`, the admin).

A launch never widens them. Service URLs in a launch are the platform's words, but bearer
tokens go wherever they point: had a launch naming `http://127.0.0.1:PORT/` taught us that
host, the tool would send its token there. A launch naming other hosts still launches; its
service URLs are kept as sent and refused when called (the sync says why), and the launch
is logged with the foreign hosts so an administrator can add one if it really is the LMS's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from .models import Platform
from .outbound import HostPolicy, NotAllowed, check_url, host_key, private_kinds_of

log = logging.getLogger("credbridge.lti")

AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


def registration_policy(platform: Platform, *, hosts: Iterable[str] | None = None) -> HostPolicy:
    """Where this registration's calls may go: its hosts (or `hosts`, the adapter's list),
    and the non-public address kinds its own home (issuer, login host) is on."""
    allowed = frozenset(platform.allowed_service_hosts() if hosts is None else hosts)
    home = private_kinds_of([platform.issuer, platform.auth_login_url])
    return HostPolicy(allowed_hosts=allowed, private_ok=home)


def service_urls_in(claims: dict) -> list[str]:
    """Every service URL a launch names (AGS line items, line item, NRPS memberships)."""
    ags = claims.get(AGS_CLAIM) or {}
    nrps = claims.get(NRPS_CLAIM) or {}
    if not isinstance(ags, dict):
        ags = {}
    if not isinstance(nrps, dict):
        nrps = {}
    urls = [ags.get("lineitems"), ags.get("lineitem"), nrps.get("context_memberships_url")]
    return [url for url in urls if isinstance(url, str) and url]


def _allowed(url: str, hosts: Iterable[str]) -> bool:
    try:
        check_url(url, hosts)
    except NotAllowed:
        return False
    return True


def note_foreign_service_hosts(*, platform: Platform, claims: dict) -> set[str]:
    """Log (never allow) the service hosts a launch names outside the registration.

    Not a registration flag: a flagged registration stops every course's periodic sync, and
    one course's odd launch must not do that. The course's own sync fails with the reason.
    """
    allowed = platform.allowed_service_hosts()
    urls = [url for url in service_urls_in(claims) if not _allowed(url, allowed)]
    foreign = {host_key(url) or "(not a plain http(s) URL)" for url in urls}
    if not foreign:
        return set()
    log.warning(
        "a launch from platform %s names service hosts the registration does not list: %s; "
        "calls there are refused (add a host to the registration if it really is the LMS's)",
        platform.pk,
        ", ".join(sorted(foreign))[:200],
    )
    return foreign
