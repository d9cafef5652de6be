"""What the pages after a launch know about it, without third-party cookies.

A verified launch is stored server side (the cache) under a random id; pages carry a
short-lived signed *launch token* naming that id (query `lt`, form field `lt`, or header
`X-Launch-Token`). `request.lti_launch` is a LaunchContext, or NO_LAUNCH (a null object
whose `present` is False) when the request carries no valid token.

A token is worth little if it leaks (it does travel in URLs, though never into the logs:
config.log_redaction): the launch it names is forgotten after TOKEN_IDLE_S without use (each
use renews that window), the token itself expires TOKEN_MAX_AGE_S after the launch whatever
happens, it names the platform, course and user it was issued for (checked against the
stored launch), and it works only from the browser (User-Agent) that made the launch.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field, fields, replace
from typing import Any

from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

TOKEN_SALT = "credbridge.launch-token"
# Absolute: two hours after the launch the token is refused, however active its user.
TOKEN_MAX_AGE_S = 2 * 3600
# Sliding: a launch unused for this long is over (every request inside it renews the window).
TOKEN_IDLE_S = 30 * 60
_CACHE_PREFIX = "launch-ctx:"
# A launch stored less than this long ago has at least TOKEN_IDLE_S minus this left: its
# idle window is not renewed yet (the landing page right after the launch costs no write).
RENEW_AFTER_S = 60

INSTRUCTOR = "instructor"
TEACHING_ASSISTANT = "teaching_assistant"
LEARNER = "learner"
ADMINISTRATOR = "administrator"


@dataclass(frozen=True)
class LaunchContext:
    launch_id: str
    platform_id: int
    deployment_id: str
    context_id: str
    course_id: int | None
    user_sub: str
    learner_id: int | None
    roles: frozenset[str] = field(default_factory=frozenset)
    name: str = ""
    email: str = ""
    locale: str = ""
    message_type: str = "LtiResourceLinkRequest"
    resource_link_id: str = ""
    return_url: str = ""
    # The key a Deep Linking placement carries (launch_hooks.PLACEMENT_PARAM), "" if none.
    placement: str = ""
    token: str = ""
    present: bool = True

    @property
    def is_instructor(self) -> bool:
        return bool(self.roles & {INSTRUCTOR, TEACHING_ASSISTANT, ADMINISTRATOR})

    @property
    def is_learner(self) -> bool:
        return LEARNER in self.roles and not self.is_instructor

    @property
    def is_admin(self) -> bool:
        return ADMINISTRATOR in self.roles


class _NoLaunch:
    """Null object: attribute reads are harmless, permissions are all False."""

    present = False
    is_instructor = False
    is_learner = False
    is_admin = False
    roles: frozenset[str] = frozenset()
    token = ""
    course_id = None
    learner_id = None
    platform_id = None

    def __bool__(self) -> bool:
        return False


NO_LAUNCH = _NoLaunch()
_FIELD_NAMES = tuple(f.name for f in fields(LaunchContext))


class LaunchRequest(HttpRequest):
    """A request as lti_tool's middleware leaves every request, for annotating views: the
    launch (or NO_LAUNCH) and the nonce of the page's Content-Security-Policy."""

    lti_launch: LaunchContext | _NoLaunch
    csp_nonce: str


def present_launch(request: LaunchRequest) -> LaunchContext:
    """The request's launch, in a view whose decorator already refused requests without one."""
    launch = request.lti_launch
    assert isinstance(launch, LaunchContext), "the view's access check lets only launches in"
    return launch


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:24]


def _as_dict(ctx: LaunchContext) -> dict[str, Any]:
    """The launch's fields, one level deep: every field is a plain value or a frozenset, so
    `dataclasses.asdict`'s recursive deep copy (a tenth of a millisecond per launch) buys
    nothing here."""
    return {name: getattr(ctx, name) for name in _FIELD_NAMES}


def _binding(data: dict) -> dict:
    """What a token was issued for: its launch's platform, course and user."""
    return {"p": data["platform_id"], "c": data["course_id"], "s": _digest(str(data["user_sub"]))}


def start_launch_session(*, user_agent: str | None = None, **data: object) -> LaunchContext:
    """Store a verified launch server side; returns it with its signed token.

    `user_agent`: the launching browser's User-Agent; when given, the token works only with
    the same one (a token copied out of a log or a shared link into another browser fails).
    """
    launch_id = secrets.token_urlsafe(18)
    values: dict[str, Any] = dict(data)
    values["roles"] = frozenset(values.get("roles", ()))
    ctx = LaunchContext(launch_id=launch_id, **values)
    stored = _as_dict(ctx)
    stored["roles"] = sorted(ctx.roles)
    stored["_agent"] = None if user_agent is None else _digest(user_agent)
    stored["_at"] = time.time()
    cache.set(_CACHE_PREFIX + launch_id, stored, TOKEN_IDLE_S)
    token = signing.dumps({"i": launch_id, **_binding(stored)}, salt=TOKEN_SALT, compress=True)
    return replace(ctx, token=token)


def load_launch(token: str, *, user_agent: str = "") -> LaunchContext | _NoLaunch:
    return load_launch_with(token, user_agent=user_agent)[0]


def load_launch_with(
    token: str, *, user_agent: str = "", also: tuple[str, ...] = ()
) -> tuple[LaunchContext | _NoLaunch, dict[str, Any]]:
    """The launch a token names and the cache entries `also` names, read in one round trip
    (a page's framing list: lti_tool.middleware), so a page pays one cache call, not two. The
    entries are returned only when the token is valid enough to name a stored launch; a
    request that is refused before the cache is read costs no read for them."""
    if not token or len(token) > 512:
        return NO_LAUNCH, {}
    try:
        claims = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE_S)
    except signing.BadSignature:
        return NO_LAUNCH, {}
    if not isinstance(claims, dict) or not isinstance(claims.get("i"), str):
        return NO_LAUNCH, {}
    key = _CACHE_PREFIX + claims["i"]
    if also:
        found = cache.get_many([key, *also])
        stored = found.pop(key, None)
    else:
        found, stored = {}, cache.get(key)
    return _checked(key, claims, stored, token=token, user_agent=user_agent), found


def _checked(
    key: str, claims: dict, stored: Any, *, token: str, user_agent: str
) -> LaunchContext | _NoLaunch:
    """The stored launch, if the token was issued for it and this browser."""
    if not stored:
        return NO_LAUNCH
    stored = dict(stored)
    agent = stored.pop("_agent", None)
    stored_at = stored.pop("_at", 0.0)
    if {k: claims.get(k) for k in ("p", "c", "s")} != _binding(stored):
        return NO_LAUNCH
    if agent is not None and not hmac.compare_digest(agent, _digest(user_agent)):
        return NO_LAUNCH
    if time.time() - stored_at >= RENEW_AFTER_S:
        cache.touch(key, TOKEN_IDLE_S)  # sliding: in use, so not idle
    stored = {**stored, "roles": frozenset(stored["roles"]), "token": token}
    return LaunchContext(**stored)
