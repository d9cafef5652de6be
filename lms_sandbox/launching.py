"""Starting a launch (login initiation) and answering the OIDC auth request with an id_token.

Pure decisions live here; views only parse the request and render the outcome.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from . import keys
from .flavours import LaunchInput, get_flavour
from .models import (
    PendingLaunch,
    SandboxCourse,
    SandboxLineItem,
    SandboxPlatform,
    SandboxResourceLink,
    SandboxUser,
)

HINT_LIFETIME = timedelta(minutes=5)
ROLES = ("instructor", "ta", "learner", "admin")
DEEP_LINKING = "LtiDeepLinkingRequest"
RESOURCE_LINK = "LtiResourceLinkRequest"


class AuthError(Exception):
    """An auth request the platform refuses.

    `post_back` False: the browser gets an error page (the redirect_uri is not trusted);
    True: the error is form-posted to the redirect_uri, as OIDC says.
    """

    def __init__(
        self,
        error: str,
        description: str,
        *,
        post_back: bool = True,
        status: int = 400,
        bad_hint: bool = False,
    ):
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.post_back = post_back
        self.status = status
        self.bad_hint = bad_hint  # unknown, expired or spent: the flavour may answer itself


@dataclass(frozen=True)
class AuthAnswer:
    redirect_uri: str
    fields: dict


def begin_launch(
    *,
    course: SandboxCourse,
    user: SandboxUser,
    role: str | None = None,
    resource_link: SandboxResourceLink | None = None,
    message_type: str = RESOURCE_LINK,
) -> tuple[PendingLaunch, str, dict]:
    """Record a pending launch; returns it, the tool's login URL and the form to post there.

    `role` None: the user's enrolment decides (a site administrator launches as admin).
    """
    if not role:
        enrolment = course.enrolments.filter(user=user).first()
        if enrolment is not None:
            role = enrolment.role
        elif user.is_site_admin:
            role = "admin"
        else:
            raise ValueError("this user is not enrolled in the course")
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    if message_type not in (RESOURCE_LINK, DEEP_LINKING):
        raise ValueError("message_type must be LtiResourceLinkRequest or LtiDeepLinkingRequest")
    platform = course.platform
    if user.platform_id != platform.pk:
        raise ValueError("user and course belong to different sandbox platforms")
    if not platform.tool_login_url:
        raise ValueError("no tool is registered in this sandbox platform")
    if message_type == DEEP_LINKING:
        if not platform.in_activity_chooser:
            # Moodle: Deep Linking starts from adding the tool as an activity, which the
            # chooser offers only for "Show in activity chooser" (mod/lti/locallib.php
            # lti_get_configured_types).
            raise ValueError(
                "the tool is not shown in the activity chooser: a site administrator must set "
                "its Tool configuration usage to 'Show in activity chooser'"
            )
        target = platform.tool_deep_link_url or platform.tool_launch_url
        resource_link = None
    else:
        target = (resource_link.url if resource_link else "") or platform.tool_launch_url
    stale = PendingLaunch.objects.filter(created_at__lt=timezone.now() - timedelta(days=1))
    if stale.exists():  # hints live 5 minutes; keep a day for the deep linking return
        stale.delete()
    pending = PendingLaunch.objects.create(
        platform=platform,
        user=user,
        course=course,
        resource_link=resource_link,
        role=role,
        message_type=message_type,
        target_link_uri=target,
    )
    flavour = get_flavour(platform)
    pending.launch_key = flavour.new_launch_key(pending)
    pending.save(update_fields=["launch_key"])
    fields = flavour.login_initiation_fields(launch=pending, hint_value=pending.launch_key)
    return pending, platform.tool_login_url, fields


def _redirect_uri_ok(platform: SandboxPlatform, redirect_uri: str) -> bool:
    allowed = set(platform.tool_redirect_uris or [])
    allowed.update(u for u in (platform.tool_launch_url, platform.tool_deep_link_url) if u)
    return redirect_uri in allowed


REQUIRED = (
    "scope",
    "response_type",
    "response_mode",
    "prompt",
    "client_id",
    "redirect_uri",
    "login_hint",
    "lti_message_hint",
    "nonce",
)


def answer_auth_request(*, platform: SandboxPlatform, params: dict[str, str]) -> AuthAnswer:
    """Validate an OIDC auth request; returns the id_token form for the redirect_uri."""
    if params.get("client_id") != platform.client_id:
        raise AuthError("unauthorized_client", "Unknown client_id", post_back=False)
    redirect_uri = params.get("redirect_uri", "")
    if not _redirect_uri_ok(platform, redirect_uri):
        raise AuthError("invalid_request", "Invalid redirect_uri", post_back=False)
    missing = [k for k in REQUIRED if not params.get(k)]
    if missing:
        raise AuthError(
            "invalid_request_object", f"The following parameters are missing: {','.join(missing)}"
        )
    if params["scope"] != "openid":
        raise AuthError("invalid_scope", "scope must be 'openid'")
    if params["response_type"] != "id_token":
        raise AuthError("unsupported_response_type", "response_type must be 'id_token'")
    if params["response_mode"] != "form_post":
        raise AuthError("invalid_request_object", "response_mode must be 'form_post'")
    if params["prompt"] != "none":
        raise AuthError("invalid_request_object", "prompt must be 'none'")
    flavour = get_flavour(platform)
    hint = flavour.hint_value(platform, params["lti_message_hint"])
    if hint is None:
        raise AuthError(
            "invalid_request", "Invalid lti_message_hint", post_back=False, bad_hint=True
        )
    now = timezone.now()
    with transaction.atomic():
        pending = (
            PendingLaunch.objects.select_for_update(of=("self",))
            .select_related("user", "course", "resource_link")
            .filter(platform=platform, launch_key=hint)
            .first()
        )
        if pending is None or pending.consumed_at or pending.created_at < now - HINT_LIFETIME:
            raise AuthError(
                "launch_no_longer_valid",
                "The launch has either expired or already been consumed",
                bad_hint=True,
            )
        if flavour.spends_hint_before_checks:
            pending.consumed_at = now
            pending.save(update_fields=["consumed_at"])
    if params["login_hint"] != flavour.login_hint_for(pending.user):
        raise AuthError(flavour.wrong_login_hint_error, "Must have an active user session")
    if not pending.consumed_at:
        with transaction.atomic():
            # Of two concurrent answers for one hint, only the first marks it consumed.
            spent = PendingLaunch.objects.filter(pk=pending.pk, consumed_at__isnull=True).update(
                consumed_at=now
            )
        if not spent:
            raise AuthError(
                "launch_no_longer_valid",
                "The launch has either expired or already been consumed",
                bad_hint=True,
            )
    course = pending.course
    course.platform = platform
    line_items: tuple[SandboxLineItem, ...] = ()
    if pending.resource_link is not None:
        line_items = tuple(pending.resource_link.line_items.select_related("course"))
        for li in line_items:
            li.course.platform = platform
    launch_input = LaunchInput(
        platform=platform,
        user=pending.user,
        course=course,
        role=pending.role,
        resource_link=pending.resource_link,
        line_items=line_items,
        message_type=pending.message_type,
        target_link_uri=pending.target_link_uri,
        nonce=params["nonce"],
        iat=int(time.time()),
        deep_link_return_url=(
            flavour.deep_link_return_url(course, str(pending.hint))
            if pending.message_type == DEEP_LINKING
            else ""
        ),
    )
    id_token = keys.sign(platform=platform, payload=flavour.id_token_claims(launch_input))
    state = params.get("state", "")
    return AuthAnswer(redirect_uri, flavour.launch_form_fields(id_token=id_token, state=state))


def error_fields(platform: SandboxPlatform, err: AuthError, state: str) -> dict:
    fields = {"error": err.error, "error_description": err.description, "state": state}
    return get_flavour(platform).wrap_form_fields(fields)
