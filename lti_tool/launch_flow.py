"""After a verified launch: record it, open the cookie-less launch session, tell the other
apps, and send the person where their role belongs."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_noop

from config.request_id import bind_for_request
from config.url_paths import fixed_path

from .launch_claims import clean_launch_claims
from .launch_context import TOKEN_MAX_AGE_S, LaunchContext, start_launch_session
from .launch_hooks import PLACEMENT_PARAM, landings, launch_recorder
from .message_launch import LTI, VerifiedLaunch
from .refusals import forbidden
from .roles import map_roles
from .service_hosts import note_foreign_service_hosts
from .signals import launch_verified

logger = logging.getLogger("credbridge.lti")

DEEP_LINK_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
_DEEP_LINK_PREFIX = "lti-deep-link:"


def launch_fields(*, verified: VerifiedLaunch, course_id, learner_id, roles) -> dict:
    claims = verified.claims
    context = claims.get(LTI + "context") or {}
    presentation = claims.get(LTI + "launch_presentation") or {}
    resource_link = claims.get(LTI + "resource_link") or {}
    custom = claims.get(LTI + "custom") or {}
    placement = custom.get(PLACEMENT_PARAM) if isinstance(custom, dict) else None
    return {
        "platform_id": verified.platform.pk,
        "deployment_id": verified.deployment.deployment_id,
        "context_id": str(context.get("id") or ""),
        "course_id": course_id,
        "user_sub": str(claims["sub"]),
        "learner_id": learner_id,
        "roles": roles,
        "name": str(claims.get("name") or "")[:500],
        "email": str(claims.get("email") or "")[:320],
        # Canvas sends the OIDC `locale` claim as well; Moodle only launch_presentation's.
        "locale": str(presentation.get("locale") or claims.get("locale") or "")[:20],
        "message_type": verified.message_type,
        "resource_link_id": str(resource_link.get("id") or ""),
        "return_url": str(presentation.get("return_url") or "")[:2000],
        "placement": placement[:200] if isinstance(placement, str) else "",
    }


def complete_launch(
    *,
    request: HttpRequest,
    verified: VerifiedLaunch,
    frame_id: str = "",
    offered: tuple[Any, Any] | None = None,
) -> HttpResponse:
    """`frame_id`: the launch runs in a window opened from the LMS's frame (frame_return.py).
    `offered`: the recorder's read made before verification, with its answer (launch_hooks)."""
    # Before anything is stored: wrong JSON types and NUL characters are refused (or, in
    # display text, removed) here rather than failing in the database.
    verified = replace(verified, claims=clean_launch_claims(verified.claims))
    note_foreign_service_hosts(platform=verified.platform, claims=verified.claims)
    roles = map_roles(verified.claims.get(LTI + "roles") or [])
    ahead = {"offered": offered} if offered is not None else {}
    course, learner = launch_recorder()(
        platform=verified.platform, claims=verified.claims, roles=sorted(roles), **ahead
    )
    ctx = start_launch_session(
        user_agent=request.headers.get("User-Agent", ""),
        **launch_fields(
            verified=verified,
            course_id=course.pk if course else None,
            learner_id=learner.pk,
            roles=roles,
        ),
    )
    # The rest of this request's log lines name the launch's platform and course.
    bind_for_request(platform_id=ctx.platform_id, course_id=ctx.course_id)
    # A listener's failure (say, a sync that cannot be queued) must not break the launch.
    for receiver, result in launch_verified.send_robust(
        sender=LaunchContext, platform=verified.platform, course=course, learner=learner, launch=ctx
    ):
        if isinstance(result, Exception):
            logger.error("launch_verified receiver %r failed", receiver, exc_info=result)
    if verified.message_type == "LtiDeepLinkingRequest":
        if not ctx.is_instructor:
            raise forbidden(
                "not_instructor", gettext_noop("Only instructors can place Credbridge in a course.")
            )
        cache.set(
            _DEEP_LINK_PREFIX + ctx.launch_id,
            {"settings": verified.claims[DEEP_LINK_CLAIM], "frame_id": frame_id},
            TOKEN_MAX_AGE_S,
        )
        target = fixed_path("lti_tool:deep_link")
    elif ctx.is_instructor:
        target = fixed_path(landings().instructor)
    else:
        target = fixed_path(landings().learner)
    return HttpResponseRedirect(f"{target}?{urlencode({'lt': ctx.token})}")


def deep_link_settings(launch: LaunchContext) -> dict | None:
    stored = cache.get(_DEEP_LINK_PREFIX + launch.launch_id)
    return stored["settings"] if stored else None


def deep_link_frame(launch: LaunchContext) -> str:
    """The LMS frame waiting for this deep linking response, if it left it ("" if not)."""
    stored = cache.get(_DEEP_LINK_PREFIX + launch.launch_id)
    return (stored or {}).get("frame_id", "")


def forget_deep_link(launch: LaunchContext) -> None:
    cache.delete(_DEEP_LINK_PREFIX + launch.launch_id)
