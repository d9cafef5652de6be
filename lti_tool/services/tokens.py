"""OAuth2 client_credentials access tokens, with a JWT client assertion signed by the tool key.

Tokens are cached (Django's cache: Redis in production, shared by every worker) per
platform and scope set until shortly before they expire. Canvas charges 200 throttling
units per token request and Moodle logs each one, so a token is fetched once an hour,
not once a call.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid

import jwt
from django.core.cache import cache

from lti_tool.keys import current_signing_key
from lti_tool.platforms import get_adapter

from .errors import AuthFailed, InvalidScope, MalformedResponse
from .registration_health import flag_registration
from .response_excerpt import excerpt, media_type
from .transport import send

log = logging.getLogger(__name__)

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Refresh this long before the LMS's expiry, so a token never dies in the middle of a page.
EXPIRY_MARGIN_S = 120
_NOT_GRANTED = re.compile(r"https?://\S+")


def _cache_key(platform, scopes: tuple[str, ...]) -> str:
    # Named by whom the token was granted to and by: the issuer, the client id and the token
    # endpoint, not only the row's id. Two deployments sharing a cache (or a platform row
    # deleted and registered again under a reused id) then never hand one LMS's token to
    # another.
    granted = "\n".join(
        (platform.issuer, platform.client_id, platform.auth_token_url, " ".join(scopes))
    )
    digest = hashlib.sha256(granted.encode()).hexdigest()[:32]
    return f"lti-access-token:{platform.pk}:{digest}"


def client_assertion(platform) -> str:
    """The RS256 JWT that authenticates the tool at the platform's token endpoint."""
    key = current_signing_key()
    now = int(time.time())
    claims = {
        "iss": platform.client_id,
        "sub": platform.client_id,
        # Canvas compares `aud` with the token URL character for character.
        "aud": platform.auth_audience or platform.auth_token_url,
        "iat": now,
        "exp": now + 300,
        "jti": str(uuid.uuid4()),
    }
    return jwt.encode(claims, key.private_key(), algorithm="RS256", headers={"kid": key.kid})


def forget_access_token(*, platform, scopes) -> None:
    cache.delete(_cache_key(platform, tuple(sorted(set(scopes)))))


def get_access_token(*, platform, scopes) -> str:
    """A bearer token for exactly these scopes (cached), or a clear error.

    Raises InvalidScope (and flags the registration) when the platform refuses a scope,
    AuthFailed (and flags it) when the platform refuses the tool itself.
    """
    wanted = tuple(sorted(set(scopes)))
    if not wanted:
        raise ValueError("get_access_token needs at least one scope")
    if not platform.is_active:
        # An unapproved Dynamic Registration names servers nobody has vouched for: no
        # signed client assertion, no bearer token goes there (ADR 0004).
        raise AuthFailed(
            "The LMS registration is awaiting approval by the Credbridge operator.",
            url=platform.auth_token_url,
        )
    key = _cache_key(platform, wanted)
    token = cache.get(key)
    if token:
        return token
    adapter = get_adapter(platform)
    response = send(
        "POST",
        platform.auth_token_url,
        adapter=adapter,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": client_assertion(platform),
            "scope": " ".join(wanted),
        },
        headers={"Accept": "application/json"},
    )
    try:
        body = adapter.parse_json(response)
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict):
        # What the endpoint answered goes with the error: a Moodle whose cURL blocks the
        # tool's host answers token.php with an HTML 404 page (captures, item 14).
        seen = {"content_type": media_type(response), "excerpt": excerpt(response)}
        _refused(platform, response.status_code, body, wanted, seen=seen)
    access = body.get("access_token")
    if not isinstance(access, str) or not access:
        raise MalformedResponse(
            "The LMS token endpoint answered without an access token.", url=platform.auth_token_url
        )
    try:
        lifetime = int(body.get("expires_in") or 3600)
    except (TypeError, ValueError):
        lifetime = 3600
    ttl = (
        max(1, lifetime - EXPIRY_MARGIN_S) if lifetime > EXPIRY_MARGIN_S else max(1, lifetime // 2)
    )
    cache.set(key, access, ttl)
    return access


def _refused(platform, status: int, body, wanted: tuple[str, ...], *, seen: dict) -> None:
    error = body.get("error", "") if isinstance(body, dict) else ""
    description = body.get("error_description", "") if isinstance(body, dict) else ""
    url = platform.auth_token_url
    if error == "invalid_scope":
        named = [s for s in _NOT_GRANTED.findall(str(description)) if s in wanted]
        missing = named[0] if named else wanted[0]
        missing_all = named or list(wanted)
        message = (
            "The LMS registration does not grant the scope "
            + ", ".join(missing_all)
            + ". An administrator must enable it in the LMS's tool registration."
        )
        flag_registration(platform=platform, reason=message)
        raise InvalidScope(message, scope=missing, status=status, url=url, **seen)
    detail = error or f"HTTP {status}"
    message = (
        f"The LMS token endpoint refused the tool ({detail}). "
        "An administrator must check the tool's registration (client id, keys, token URL)."
    )
    log.warning("token endpoint of platform %s refused: %s %s", platform.pk, status, error)
    flag_registration(platform=platform, reason=message)
    raise AuthFailed(message, status=status, url=url, **seen)
