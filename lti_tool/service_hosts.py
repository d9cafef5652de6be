"""Learn the hosts a platform serves AGS/NRPS from, out of its verified launches.

Canvas builds service URLs on each school's own host, never the issuer's; a registration made
by hand knows none of them. A signed id_token is the platform speaking, so the hosts of the
service URLs it carries join the registration's allowed hosts (bounded, and per platform:
a platform can only widen its own list).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import transaction

from .models import HOST_RE, Platform, parse_hosts

AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
MAX_HOSTS = 20


def service_hosts_in(claims: dict) -> set[str]:
    ags = claims.get(AGS_CLAIM) or {}
    nrps = claims.get(NRPS_CLAIM) or {}
    urls = [ags.get("lineitems"), ags.get("lineitem"), nrps.get("context_memberships_url")]
    hosts = set()
    for url in urls:
        if isinstance(url, str):
            parts = urlsplit(url)
            host = parts.netloc.lower()
            if parts.scheme in ("https", "http") and HOST_RE.match(host):
                hosts.add(host)
    return hosts


def learn_service_hosts(*, platform: Platform, claims: dict) -> bool:
    """Add the launch's service hosts to the platform; True when something was added."""
    new = service_hosts_in(claims) - platform.allowed_service_hosts()
    if not new:
        return False
    with transaction.atomic():
        locked = Platform.objects.select_for_update().get(pk=platform.pk)
        known = parse_hosts(locked.service_hosts)
        added = [h for h in sorted(new) if h not in known][: max(0, MAX_HOSTS - len(known))]
        if not added:
            return False
        locked.service_hosts = "\n".join([*known, *added])
        locked.save(update_fields=["service_hosts"])
    platform.service_hosts = locked.service_hosts
    return True
