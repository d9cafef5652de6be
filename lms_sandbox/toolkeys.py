"""The registered tool's public keys, fetched over HTTP from its JWKS URL (as an LMS does),
cached briefly and refetched once when a JWT names an unknown kid."""

from __future__ import annotations

import jwt
import requests
from django.core.cache import cache

from .models import SandboxPlatform

JWKS_CACHE_S = 60


class ToolKeyError(Exception):
    """The tool's key cannot be found or used (the JWT cannot be verified)."""


def tool_jwks(platform: SandboxPlatform, *, refresh: bool = False) -> dict:
    key = f"sandbox-tool-jwks:{platform.pk}:{platform.tool_jwks_url}"
    data = None if refresh else cache.get(key)
    if data is None:
        if not platform.tool_jwks_url:
            raise ToolKeyError("no tool JWKS URL is registered")
        try:
            resp = requests.get(platform.tool_jwks_url, timeout=10)
            resp.raise_for_status()
            data = resp.json()
        except (requests.RequestException, ValueError) as exc:
            raise ToolKeyError("the tool's JWKS could not be fetched") from exc
        if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
            raise ToolKeyError("the tool's JWKS is not a key set")
        cache.set(key, data, JWKS_CACHE_S)
    return data


def verification_key(platform: SandboxPlatform, kid: str | None):
    for refresh in (False, True):  # the tool may have rotated: refetch once
        keys = tool_jwks(platform, refresh=refresh)["keys"]
        match = [k for k in keys if isinstance(k, dict) and (kid is None or k.get("kid") == kid)]
        if match:
            try:
                return jwt.PyJWK(match[0]).key
            except jwt.PyJWTError as exc:
                raise ToolKeyError("the tool's JWK is unusable") from exc
    raise ToolKeyError(f"no tool key with kid {kid!r}")


def verify_tool_jwt(platform: SandboxPlatform, token: str) -> dict:
    """The claims of an RS256 JWT signed by the registered tool (time claims not checked)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise ToolKeyError("not a JWT") from exc
    if header.get("alg") != "RS256":
        raise ToolKeyError("JWT has unexpected alg")
    key = verification_key(platform, header.get("kid"))
    try:
        return jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            options={"verify_aud": False, "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError as exc:
        raise ToolKeyError("JWT verification failure") from exc
