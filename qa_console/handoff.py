"""An LMS administrator's way into the QA console, without a second login.

Inside the LMS iframe the console cannot work: its cookies are third-party cookies, and a
launch token must never stand in for its CSRF cookie. So the launch page offers "Open QA
console", which opens a top-level window (first-party: cookies work) carrying a signed
handoff code that lives at most HANDOFF_MAX_AGE_S seconds and is redeemed once. Redeeming it
opens an ordinary Django session (session cookie + CSRF from then on) for a Django user tied
to that administrator *and platform*, QA for that platform only (granted and audited by
`rubrics.qa_scopes`). The session remembers the LMS identity, so the four-eyes rule compares
the same `lti:<platform>:<sub>` id the rubric editor records as a version's author.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from rubrics.actors import Actor, actor_from_user, qa_platform_ids
from rubrics.qa_scopes import QAAccessWithdrawn, admit_lms_administrator

HANDOFF_SALT = "credbridge.qa-handoff"
HANDOFF_MAX_AGE_S = 60
SESSION_KEY = "credbridge.lms_identity"
_USED_PREFIX = "qa-handoff-used:"


class HandoffRefused(Exception):
    """The code is bad, expired or spent; the message is shown as it is."""


def may_hand_off(launch: Any) -> bool:
    """LMS administrators (and the roles the operator maps to them, LTI_QA_ROLES)."""
    return bool(launch.present and launch.is_admin and launch.platform_id)


def mint_code(launch: Any) -> str:
    payload = {
        "n": secrets.token_urlsafe(16),
        "p": launch.platform_id,
        "s": launch.user_sub,
        "m": (launch.name or "")[:150],
    }
    return signing.dumps(payload, salt=HANDOFF_SALT, compress=True)


def _redeem(code: str) -> dict:
    if not code or len(code) > 2048:
        raise HandoffRefused(_("This QA console link is not valid. Open it again from the LMS."))
    try:
        payload = signing.loads(code, salt=HANDOFF_SALT, max_age=HANDOFF_MAX_AGE_S)
    except signing.SignatureExpired:
        raise HandoffRefused(
            _("This QA console link has expired. Open it again from the LMS.")
        ) from None
    except signing.BadSignature:
        raise HandoffRefused(
            _("This QA console link is not valid. Open it again from the LMS.")
        ) from None
    # Single use: the first redemption claims the nonce atomically; the marker outlives the code.
    if not cache.add(_USED_PREFIX + str(payload["n"]), 1, HANDOFF_MAX_AGE_S * 2):
        raise HandoffRefused(
            _("This QA console link was already used. Open it again from the LMS.")
        )
    return payload


def open_console_session(request: HttpRequest, code: str) -> Any:
    """Redeem a handoff code: log the browser in as the administrator's console user."""
    payload = _redeem(code)
    platform_id, sub = int(payload["p"]), str(payload["s"])
    try:
        user, _created = admit_lms_administrator(
            platform_id=platform_id, sub=sub, name=payload["m"]
        )
    except QAAccessWithdrawn as exc:
        raise HandoffRefused(str(exc)) from None
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_KEY] = {"platform_id": platform_id, "sub": sub, "name": payload["m"]}
    request.session.set_expiry(settings.QA_HANDOFF_SESSION_AGE)
    return user


def console_actor(request: HttpRequest) -> Actor:
    """The acting person of a console session: the LMS identity of a handoff, or the user."""
    user = request.user
    identity = request.session.get(SESSION_KEY)
    if not identity:
        return actor_from_user(user)
    platform_id = int(identity["platform_id"])
    return Actor(
        id=f"lti:{platform_id}:{identity['sub']}",
        name=identity.get("name") or user.get_username(),
        qa_platform_ids=qa_platform_ids(user) & {platform_id},
        platform_id=platform_id,
    )
