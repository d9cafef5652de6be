"""Who may register by LTI Dynamic Registration, and whether a new registration starts active
(ADR 0004). Decisions over the operator's settings and what the registration proved; the
fetching and recording live in dynamic_registration.py."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from .addresses import private_kinds_of
from .models import HOST_RE
from .platforms import shared_issuers


def origin(url: str) -> str:
    """scheme://host[:port] in lower case, or "" when `url` is not an absolute http(s) URL
    of a plain host name or address."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("https", "http") or not HOST_RE.match(parts.netloc.lower()):
        return ""
    return f"{parts.scheme}://{parts.netloc.lower()}"


def http_allowed() -> bool:
    # A campus or test Moodle on plain http is an explicit operator choice, never implied.
    return bool(getattr(settings, "LTI_ALLOW_HTTP_PLATFORMS", False))


def url_problem(url: str) -> str:
    """Why `url` cannot name a platform endpoint ("" when it can)."""
    parts = urlsplit(url or "")
    if parts.scheme != "https" and not (parts.scheme == "http" and http_allowed()):
        return "must be an https URL"
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return "has a malformed port"
    # A strict host[:port]: the origin goes into a CSP header (frame-ancestors), where a
    # ";" or a space would start another directive.
    if not parts.hostname or not HOST_RE.match(parts.netloc.lower()):
        return "is not a URL of a host"
    return ""


def private_kinds_allowed(url: str) -> frozenset[str]:
    """The non-public address kinds a registration call to `url` may reach. Anyone can start
    a registration, so reaching loopback or a private network (a test Moodle on this machine,
    a campus LMS) is the operator's explicit choice, LTI_PRIVATE_NETWORK_PLATFORMS, and then
    only the kinds the URL's own host is on (lti_tool.outbound, ADR 0045)."""
    if not getattr(settings, "LTI_PRIVATE_NETWORK_PLATFORMS", False):
        return frozenset()
    return private_kinds_of([url])


def _normalise(issuer: str) -> str:
    return (issuer or "").strip().rstrip("/")


def allowlist() -> frozenset[str]:
    """LTI_REGISTRATION_ISSUERS: issuers (and, for Canvas schools, school origins) whose
    registrations are active at once."""
    value = getattr(settings, "LTI_REGISTRATION_ISSUERS", None) or ()
    if isinstance(value, str):
        value = value.split(",")
    return frozenset(_normalise(v) for v in value if _normalise(v))


def open_registration() -> bool:
    """LTI_OPEN_REGISTRATION: whether issuers off the allowlist may register (pending)."""
    return bool(getattr(settings, "LTI_OPEN_REGISTRATION", True))


def vouching_origin(*, openid_configuration: str, config: dict) -> str:
    """The origin that vouches for this configuration, or "" when none does.

    The specification: the configuration URL must start with the issuer, or anyone's server
    could speak for any LMS. The one exception is an issuer shared by every school of a cloud
    LMS (Canvas's, listed by its adapter), whose school hosts also serve the configuration:
    there the school's host (the one that takes the registration) vouches, and only for an
    issuer on that fixed list, whatever product family the configuration claims.
    """
    issuer = _normalise(config.get("issuer", ""))
    if origin(issuer) and openid_configuration.startswith(issuer + "/"):
        return origin(issuer)
    here = origin(openid_configuration)
    school = origin(str(config.get("registration_endpoint") or ""))
    if issuer in shared_issuers() and here and here == school:
        return here
    return ""


def starts_active(*, issuer: str, vouched_by: str) -> bool:
    """Allowlisted registrations are active at once. A Canvas school registration (vouched for
    by the school's host, not the shared issuer) needs that host on the list as well: the
    shared issuer alone would let any server that answers like Canvas in."""
    listed = allowlist()
    if _normalise(issuer) not in listed:
        return False
    return vouched_by == origin(issuer) or vouched_by in listed


def may_register(*, issuer: str, vouched_by: str) -> bool:
    return open_registration() or starts_active(issuer=issuer, vouched_by=vouched_by)
