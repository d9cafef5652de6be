"""Platform public keys (JWKS): fetched over HTTPS, cached, refetched once on an unknown kid."""

from __future__ import annotations

import hashlib
import json
import logging

import jwt
import requests
from django.core.cache import cache

from .models import Platform
from .refusals import unauthenticated

logger = logging.getLogger("credbridge.lti")

JWKS_CACHE_SECONDS = 3600
JWKS_MAX_BYTES = 256 * 1024
FETCH_TIMEOUT_S = (3.05, 10)
ALLOWED_ALGORITHMS = ("RS256",)  # LTI 1.3 security framework: RS256; never none/HS*


def _cache_key(url: str) -> str:
    return "platform-jwks:" + hashlib.sha256(url.encode()).hexdigest()


def fetch_jwks(url: str) -> dict:
    """GET the key set (no cache). Refuses redirects, huge bodies and non-JSON."""
    try:
        response = requests.get(
            url,
            timeout=FETCH_TIMEOUT_S,
            allow_redirects=False,
            headers={"Accept": "application/json"},
            stream=True,
        )
        body = response.raw.read(JWKS_MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        raise unauthenticated(
            "jwks_unreachable", "The platform's public keys could not be fetched.", detail=str(exc)
        ) from exc
    if response.status_code != 200 or len(body) > JWKS_MAX_BYTES:
        raise unauthenticated(
            "jwks_unreachable",
            "The platform's public keys could not be fetched.",
            detail=f"HTTP {response.status_code}, {len(body)} bytes",
        )
    try:
        data = json.loads(body)
        keys = data["keys"]
        if not isinstance(keys, list):
            raise TypeError("keys is not a list")
    except (ValueError, KeyError, TypeError) as exc:
        raise unauthenticated(
            "jwks_malformed", "The platform's key set is not a valid JWKS.", detail=str(exc)
        ) from exc
    return {"keys": [k for k in keys if isinstance(k, dict)]}


def _cached_jwks(url: str, *, refresh: bool) -> dict:
    key = _cache_key(url)
    if not refresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    jwks = fetch_jwks(url)
    cache.set(key, jwks, JWKS_CACHE_SECONDS)
    return jwks


def _find(jwks: dict, kid: str) -> dict | None:
    for key in jwks["keys"]:
        if key.get("kid") == kid and key.get("kty") == "RSA":
            if key.get("use", "sig") != "sig" or key.get("alg", "RS256") not in ALLOWED_ALGORITHMS:
                continue
            return key
    return None


def platform_public_key(*, platform: Platform, kid: str):
    """The platform's RSA public key named `kid`; the JWKS is refetched once when `kid` is
    unknown (platforms rotate keys), then the launch is refused."""
    if not kid or len(kid) > 256:
        raise unauthenticated("kid_missing", "The launch token names no signing key (kid).")
    jwk = _find(_cached_jwks(platform.key_set_url, refresh=False), kid)
    if jwk is None:
        # A throttle stops an attacker from making us refetch on every request.
        throttle = "platform-jwks-refetch:" + _cache_key(platform.key_set_url)
        if cache.add(throttle, 1, 10):
            logger.info("unknown kid for platform %s: refetching its JWKS", platform.pk)
            jwk = _find(_cached_jwks(platform.key_set_url, refresh=True), kid)
    if jwk is None:
        raise unauthenticated(
            "unknown_kid",
            "The launch was signed with a key the platform does not publish.",
            detail=f"kid={kid[:80]!r}",
        )
    try:
        return jwt.PyJWK(jwk, algorithm="RS256").key
    except (jwt.PyJWKError, ValueError, TypeError) as exc:
        raise unauthenticated(
            "jwks_malformed", "The platform's signing key is not usable.", detail=str(exc)
        ) from exc
