"""What the pages after a launch know about it, without third-party cookies.

A verified launch is stored server side (the cache) under a random id; pages carry a
short-lived signed *launch token* naming that id (query `lt`, form field `lt`, or header
`X-Launch-Token`). `request.lti_launch` is a LaunchContext, or NO_LAUNCH (a null object
whose `present` is False) when the request carries no valid token.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field

from django.core import signing
from django.core.cache import cache

TOKEN_SALT = "credbridge.launch-token"
TOKEN_MAX_AGE_S = 4 * 3600
_CACHE_PREFIX = "launch-ctx:"

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


def start_launch_session(**data: object) -> LaunchContext:
    """Store a verified launch server side; returns it with its signed token."""
    launch_id = secrets.token_urlsafe(18)
    data = dict(data)
    data["roles"] = frozenset(data.get("roles", ()))
    ctx = LaunchContext(launch_id=launch_id, **data)  # type: ignore[arg-type]
    stored = asdict(ctx)
    stored["roles"] = sorted(ctx.roles)
    cache.set(_CACHE_PREFIX + launch_id, stored, TOKEN_MAX_AGE_S)
    token = signing.dumps(launch_id, salt=TOKEN_SALT, compress=False)
    return LaunchContext(**{**asdict(ctx), "token": token})


def load_launch(token: str) -> LaunchContext | _NoLaunch:
    if not token or len(token) > 512:
        return NO_LAUNCH
    try:
        launch_id = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE_S)
    except signing.BadSignature:
        return NO_LAUNCH
    stored = cache.get(_CACHE_PREFIX + str(launch_id))
    if not stored:
        return NO_LAUNCH
    stored = {**stored, "roles": frozenset(stored["roles"]), "token": token}
    return LaunchContext(**stored)
