"""OIDC login state, kept server side (the cache), not in a session cookie.

The login step stores, under a random `state`, the platform it started for, the nonce it
sent and the login parameters. The launch must present that state; the id_token's nonce must
be the one stored with it (a nonce is bound to the login that issued it) and is consumed
once (pylti1p3 2.0.0 only checks that a nonce exists, so a captured id_token could be
replayed until the session expired).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.core.cache import cache, caches

from config.cache_fallback import add_and_delete

LOGIN_TTL_S = 10 * 60  # the user may have to pass the LMS's own checks between the steps
NONCE_MEMORY_S = 2 * 3600  # longer than any id_token lives (Canvas: one hour)
STATE_COOKIE_PREFIX = "lti1p3-state-"
LAX_COOKIE_PREFIX = "lti1p3-statelax-"  # the same secret, SameSite=Lax (see state_cookies.py)
PROBE_COOKIE = "cb-cookie-probe-"  # + state: readable by script, does this frame keep cookies?
_PREFIX = "lti-login:"
_USED = "lti-nonce-used:"


@dataclass(frozen=True)
class LoginRecord:
    state: str
    nonce: str
    # Never sent to the platform: it goes to this browser only (a cookie, or the platform's
    # postMessage storage), so a stolen state + id_token pair is useless elsewhere.
    browser_secret: str
    platform_id: int
    target_link_uri: str
    params: dict = field(default_factory=dict)  # the login parameters, as received
    storage_target: str = ""  # the platform's postMessage storage target, if offered
    frame_id: str = ""  # the LMS frame this window's login was opened from (frame_return.py)


def begin_login(
    *,
    platform_id: int,
    target_link_uri: str,
    params: dict,
    storage_target: str = "",
    frame_id: str = "",
) -> LoginRecord:
    record = LoginRecord(
        state=secrets.token_urlsafe(24),
        nonce=secrets.token_urlsafe(24),
        browser_secret=secrets.token_urlsafe(24),
        platform_id=platform_id,
        target_link_uri=target_link_uri,
        params=dict(params),
        storage_target=storage_target,
        frame_id=frame_id,
    )
    # Its fields are flat (params was copied above): no deep copy (`asdict`) needed.
    cache.set(_PREFIX + record.state, dict(vars(record)), LOGIN_TTL_S)
    return record


def load_login(state: str) -> LoginRecord | None:
    return load_login_with(state)[0]


def load_login_with(state: str, *, also: tuple[str, ...] = ()) -> tuple[LoginRecord | None, dict]:
    """The login `state` names and the cache entries `also` names, read in one round trip
    (the launch's key set: ADR 0083); the entries only when `state` could name a login."""
    if not state or len(state) > 128:
        return None, {}
    key = _PREFIX + state
    if also:
        found = cache.get_many([key, *also])
        data = found.pop(key, None)
    else:
        found, data = {}, cache.get(key)
    return (LoginRecord(**data) if data else None), found


def consume_nonce(*, record: LoginRecord, nonce: str) -> bool:
    """True only the first time this login's nonce is presented (atomic `cache.add`)."""
    if not nonce or not secrets.compare_digest(str(nonce), record.nonce):
        return False
    # The state is single use too: deleted with the same round trip that marks the nonce
    # used (ADR 0080), also when the nonce was used already (its state is spent either way).
    return add_and_delete(
        caches["default"],
        _USED + record.nonce,
        1,
        NONCE_MEMORY_S,
        delete=_PREFIX + record.state,
    )


def browser_matches(*, record: LoginRecord, presented: str | None) -> bool:
    return bool(presented) and secrets.compare_digest(str(presented), record.browser_secret)


def nonce_was_used(nonce: str) -> bool:
    return bool(nonce) and cache.get(_USED + str(nonce)[:256]) is not None
