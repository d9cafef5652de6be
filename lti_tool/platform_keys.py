"""Platform public keys (JWKS): fetched through the bounded outbound path (only from the
registration's own hosts, total deadline, size cap, no redirects), cached, and refetched once
on an unknown kid.

The cached key set is kept per registration (issuer and client id) with the URL it was read
from: a launch can name that entry from its id_token's issuer and audience before the
registration's row is read, and so reads it in the round trip that reads its login state
(ADR 0083). Only an entry read from the registration's current key set URL is used."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jwt
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_noop

from .models import Platform
from .outbound import OutboundError, fetch
from .refusals import unauthenticated
from .service_hosts import registration_policy

logger = logging.getLogger("credbridge.lti")

JWKS_CACHE_SECONDS = 3600
JWKS_MAX_BYTES = 256 * 1024
# A launch waits for this fetch (the LMS's id_token may be 60 s old at most): keep it short.
JWKS_DEADLINE_S = 10
ALLOWED_ALGORITHMS = ("RS256",)  # LTI 1.3 security framework: RS256; never none/HS*


_NOT_READ: Any = object()


@dataclass(frozen=True)
class KeySetReadAhead:
    """A key set entry read earlier in the request (with the launch's login state, in one
    round trip): its cache key and what the cache held (None: nothing)."""

    key: str
    value: Any


def _refetch_throttle_key(url: str) -> str:
    return "platform-jwks-refetch:" + hashlib.sha256(url.encode()).hexdigest()


def jwks_cache_key(issuer: str, client_id: str) -> str:
    """The cache entry of a registration's key set."""
    return "platform-jwks:v2:" + hashlib.sha256(f"{issuer}\n{client_id}".encode()).hexdigest()


def jwks_cache_key_named_by(claims: Mapping[str, Any]) -> str | None:
    """The key set entry an id_token's (unverified) issuer and audience name, as
    CredbridgeMessageLaunch finds its registration; None when they name none. Only a guess
    of which entry to read early: `platform_public_key` uses what it read only if it is the
    entry of the registration the launch is checked against (its login's platform)."""
    iss, aud, azp = claims.get("iss"), claims.get("aud"), claims.get("azp")
    client_id = azp or (aud[0] if isinstance(aud, list) and aud else aud)
    if not isinstance(iss, str) or not isinstance(client_id, str):
        return None
    return jwks_cache_key(iss, client_id[:255])


def fetch_jwks(platform: Platform) -> dict:
    """GET the platform's key set (no cache). Refuses redirects, huge bodies and non-JSON."""
    try:
        response = fetch(
            "GET",
            platform.key_set_url,
            **registration_policy(platform)._asdict(),
            deadline_s=min(JWKS_DEADLINE_S, _deadline()),
            max_bytes=JWKS_MAX_BYTES,
            headers={"Accept": "application/json"},
        )
    except OutboundError as exc:
        raise unauthenticated(
            "jwks_unreachable",
            gettext_noop("The platform's public keys could not be fetched."),
            detail=str(exc),
        ) from exc
    body = response.content
    if response.status_code != 200:
        raise unauthenticated(
            "jwks_unreachable",
            gettext_noop("The platform's public keys could not be fetched."),
            detail=f"HTTP {response.status_code}, {len(body)} bytes",
        )
    try:
        data = json.loads(body)
        keys = data["keys"]
        if not isinstance(keys, list):
            raise TypeError("keys is not a list")
    except (ValueError, KeyError, TypeError) as exc:
        raise unauthenticated(
            "jwks_malformed",
            gettext_noop("The platform's key set is not a valid JWKS."),
            detail=str(exc),
        ) from exc
    return {"keys": [k for k in keys if isinstance(k, dict)]}


def _deadline() -> float:
    return float(getattr(settings, "OUTBOUND_DEADLINE_SECONDS", 30))


def _cached_jwks(platform: Platform, *, refresh: bool, ahead: Any = _NOT_READ) -> dict:
    """`ahead`: the registration's entry as read earlier in this request (None: not cached)."""
    key = jwks_cache_key(platform.issuer, platform.client_id)
    if not refresh:
        cached = cache.get(key) if ahead is _NOT_READ else ahead
        # An entry read from another URL (the registration's key set moved) is not used.
        if isinstance(cached, dict) and cached.get("url") == platform.key_set_url:
            return cached["jwks"]
    jwks = fetch_jwks(platform)
    cache.set(key, {"url": platform.key_set_url, "jwks": jwks}, JWKS_CACHE_SECONDS)
    return jwks


def _find(jwks: dict, kid: str) -> dict | None:
    for key in jwks["keys"]:
        if key.get("kid") == kid and key.get("kty") == "RSA":
            if key.get("use", "sig") != "sig" or key.get("alg", "RS256") not in ALLOWED_ALGORITHMS:
                continue
            return key
    return None


def platform_public_key(*, platform: Platform, kid: str, ahead: KeySetReadAhead | None = None):
    """The platform's RSA public key named `kid`; the JWKS is refetched once when `kid` is
    unknown (platforms rotate keys), then the launch is refused. `ahead`: a key set entry this
    request read already (`jwks_cache_key_named_by`), used when it is this registration's."""
    if not kid or len(kid) > 256:
        raise unauthenticated(
            "kid_missing", gettext_noop("The launch token names no signing key (kid).")
        )
    key = jwks_cache_key(platform.issuer, platform.client_id)
    entry = ahead.value if ahead is not None and ahead.key == key else _NOT_READ
    jwk = _find(_cached_jwks(platform, refresh=False, ahead=entry), kid)
    if jwk is None:
        # A throttle stops an attacker from making us refetch on every request.
        throttle = _refetch_throttle_key(platform.key_set_url)
        if cache.add(throttle, 1, 10):
            logger.info("unknown kid for platform %s: refetching its JWKS", platform.pk)
            jwk = _find(_cached_jwks(platform, refresh=True), kid)
    if jwk is None:
        raise unauthenticated(
            "unknown_kid",
            gettext_noop("The launch was signed with a key the platform does not publish."),
            detail=f"kid={kid[:80]!r}",
        )
    try:
        return _parsed(json.dumps(jwk, sort_keys=True))
    except (jwt.PyJWKError, ValueError, TypeError) as exc:
        raise unauthenticated(
            "jwks_malformed",
            gettext_noop("The platform's signing key is not usable."),
            detail=str(exc),
        ) from exc


@lru_cache(maxsize=64)
def _parsed(jwk_json: str):
    """The RSA key of a JWK, parsed once per process. Keyed by the whole JWK, not its kid: a
    key the platform reissues under an old kid is parsed anew once the key set is refetched,
    so which keys are trusted is decided by the cached key set alone, as before."""
    return jwt.PyJWK(json.loads(jwk_json), algorithm="RS256").key
