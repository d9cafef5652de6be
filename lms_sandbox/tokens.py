"""The token endpoint's decisions: verify a tool's JWT client assertion against the tool's
JWKS (fetched over HTTP), refuse replays, grant registered scopes, issue bearer tokens.

Moodle grants the registered subset of what was asked; Canvas is all-or-nothing.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass

from django.core.cache import cache

from .flavours import get_flavour
from .models import SandboxPlatform
from .toolkeys import ToolKeyError, verify_tool_jwt

log = logging.getLogger(__name__)

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TOKEN_LIFETIME = 3600
EXPIRED_GRACE = 600  # expired tokens are kept a while to say "expired", not "invalid"
MAX_ASSERTION_AGE = 300
MAX_CLOCK_SKEW = 30


class TokenRefused(Exception):
    def __init__(self, error: str, description: str):
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


@dataclass(frozen=True)
class Grant:
    access_token: str
    scopes: list[str]
    expires_in: int

    def as_body(self) -> dict:
        return {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "scope": " ".join(self.scopes),
        }


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def verify_assertion(*, platform: SandboxPlatform, assertion: str, token_url: str) -> dict:
    """Every check a platform makes on a client assertion; returns its claims."""
    try:
        claims = verify_tool_jwt(platform, assertion)
    except ToolKeyError as exc:
        raise TokenRefused("invalid_request", "JWS signature invalid.") from exc
    missing = [c for c in ("iss", "sub", "aud", "iat", "exp", "jti") if c not in claims]
    if missing:
        raise TokenRefused(
            "invalid_request", f"the following assertions are missing: {','.join(missing)}"
        )
    if claims["iss"] != platform.client_id or claims["sub"] != platform.client_id:
        raise TokenRefused("invalid_client", "iss and sub must be the client_id")
    aud = claims["aud"]
    # Character for character: a trailing slash or another scheme is a different audience.
    if not (aud == token_url or (isinstance(aud, list) and token_url in aud)):
        raise TokenRefused("invalid_request", "the 'aud' is invalid")
    now = time.time()
    try:
        iat, exp = float(claims["iat"]), float(claims["exp"])
    except (TypeError, ValueError) as exc:
        raise TokenRefused("invalid_request", "iat and exp must be numbers") from exc
    if exp <= now:
        raise TokenRefused("invalid_request", "the JWT has expired")
    if iat < now - MAX_ASSERTION_AGE:
        raise TokenRefused(
            "invalid_request", f"the 'iat' must be less than {MAX_ASSERTION_AGE} seconds old"
        )
    if iat > now + MAX_CLOCK_SKEW:
        raise TokenRefused("invalid_request", "the 'iat' must not be in the future")
    # cache.add is atomic (Redis SET NX): of two requests with one jti, only one gets in. The
    # jti is remembered until the assertion has expired anyway.
    jti_key = f"sbx-jti:{platform.pk}:{hash_token(str(claims['jti']))}"
    if not cache.add(jti_key, 1, timeout=int(max(exp - now, 0)) + 60):
        raise TokenRefused("invalid_request", "the 'jti' has already been used")
    return claims


def grant_scopes(*, platform: SandboxPlatform, requested: list[str]) -> list[str]:
    granted = set(platform.granted_scopes or [])
    if get_flavour(platform).all_or_nothing_scopes:
        refused = [s for s in requested if s not in granted]
        if not requested or refused:
            raise TokenRefused(
                "invalid_scope",
                "A requested scope is invalid, unknown, malformed, or exceeds the scope granted "
                "by the resource owner. The following scopes were requested, but not granted: "
                + " ".join(refused),
            )
        return requested
    subset = [s for s in requested if s in granted]
    if not subset:
        raise TokenRefused("invalid_scope", "no requested scope is granted to this tool")
    return subset


def issue_token(*, platform: SandboxPlatform, form: dict[str, str], token_url: str) -> Grant:
    if form.get("grant_type") != "client_credentials":
        raise TokenRefused(
            "unsupported_grant_type", "The grant_type you requested is not currently supported"
        )
    if form.get("client_assertion_type") != ASSERTION_TYPE or not form.get("client_assertion"):
        raise TokenRefused("invalid_request", "a jwt-bearer client_assertion is required")
    requested = [s for s in form.get("scope", "").split() if s]
    verify_assertion(platform=platform, assertion=form["client_assertion"], token_url=token_url)
    scopes = grant_scopes(platform=platform, requested=requested)
    token = secrets.token_hex(16)
    # Tokens live in the cache, not the database: the token endpoint then writes no row, so it
    # never waits on (or blocks) a tool's database transaction in a shared test database.
    cache.set(
        _token_key(platform, token),
        {"scopes": scopes, "exp": time.time() + TOKEN_LIFETIME},
        TOKEN_LIFETIME + EXPIRED_GRACE,
    )
    return Grant(token, scopes, TOKEN_LIFETIME)


def _token_key(platform: SandboxPlatform, token: str) -> str:
    return f"sbx-token:{platform.pk}:{hash_token(token)}"


@dataclass(frozen=True)
class LiveToken:
    scopes: list[str]
    expires_at: float


def token_for_request(*, platform: SandboxPlatform, authorization: str) -> LiveToken | str:
    """The live token a service request carries, or the reason it is refused."""
    if not authorization:
        return "Missing access token"
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return "Invalid access token format"
    stored = cache.get(_token_key(platform, token.strip()))
    if stored is None:
        return "Access token invalid - signature likely incorrect"
    if stored["exp"] <= time.time():
        return "Access token expired"
    return LiveToken(scopes=list(stored["scopes"]), expires_at=stored["exp"])
