"""Registering the tool in a sandbox platform (both sides) and seeding courses.

`connect_tool` is what an LMS admin plus a Credbridge admin do by hand in a manual
registration: the sandbox holds the tool's URLs and client id, the tool holds the
platform's issuer, endpoints and deployment.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode, urlsplit

from django.db import transaction

from lti_tool.models import Deployment, Platform

from . import naming
from .bulk import seed_large_course  # part of seeding's API (see __all__); bulk inserts it
from .flavours import get_flavour
from .keys import new_key_material
from .models import (
    ALL_SCOPES,
    SandboxCourse,
    SandboxEnrolment,
    SandboxLineItem,
    SandboxPlatform,
    SandboxResourceLink,
    SandboxUser,
)

DEFAULT_PAGE_SIZE = {"moodle": 0, "canvas": 10}  # Moodle pages only when asked (limit=)


def _free_slug(flavour: str) -> str:
    slug, n = flavour, 1
    while SandboxPlatform.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{flavour}-{n}"
    return slug


@transaction.atomic
def connect_tool(
    *,
    flavour: str,
    tool_base_url: str,
    slug: str | None = None,
    sandbox_base_url: str | None = None,
    name: str = "",
    scopes: list[str] | None = None,
    page_size: int | None = None,
    activity_chooser: bool = True,
) -> tuple[SandboxPlatform, Platform]:
    """Create (or refresh) a sandbox platform and register the tool on both sides.

    The sandbox is served by the same Django process as the tool unless `sandbox_base_url`
    says otherwise. Calling it again with the same slug updates the tool URLs and keeps the
    keys, client id and deployment. `activity_chooser`: the admin also sets Moodle's "Show in
    activity chooser", as the README tells them to (Moodle's own default is off: pass False
    to model an admin who did not).
    """
    fl = get_flavour(flavour)
    tool = tool_base_url.rstrip("/")
    base = (sandbox_base_url or tool_base_url).rstrip("/")
    slug = slug or _free_slug(flavour)
    sp = SandboxPlatform.objects.filter(slug=slug).first()
    if sp is None:
        kid, encrypted, jwk = new_key_material(
            kid_prefix="2026-01-01T00:00:00Z_" if flavour == "canvas" else ""
        )
        if flavour == "canvas":
            client_id = naming.canvas_client_id()
            deployment_id = naming.canvas_deployment_id(1000 + secrets.randbelow(9000))
        else:
            client_id = naming.moodle_client_id()
            deployment_id = str(2 + secrets.randbelow(40))
        sp = SandboxPlatform(
            slug=slug,
            flavour=flavour,
            kid=kid,
            private_key_encrypted=encrypted,
            public_jwk=jwk,
            client_id=client_id,
            deployment_id=deployment_id,
            page_size=DEFAULT_PAGE_SIZE[flavour] if page_size is None else page_size,
        )
    elif sp.flavour != flavour:
        raise ValueError(f"sandbox platform {slug!r} is a {sp.flavour} platform")
    sp.name = name or sp.name or f"Sandbox {fl.name.title()} ({slug})"
    sp.base_url = base
    sp.tool_login_url = f"{tool}/lti/login/"
    sp.tool_launch_url = f"{tool}/lti/launch/"
    sp.tool_jwks_url = f"{tool}/lti/jwks.json"
    sp.tool_deep_link_url = f"{tool}/lti/launch/"
    sp.tool_redirect_uris = [sp.tool_launch_url]
    if scopes is not None:
        sp.granted_scopes = list(scopes)
    elif not sp.granted_scopes:
        sp.granted_scopes = list(ALL_SCOPES)
    if page_size is not None:
        sp.page_size = page_size
    sp.coursevisible = (
        SandboxPlatform.CourseVisible.ACTIVITY_CHOOSER
        if activity_chooser
        else SandboxPlatform.CourseVisible.PRECONFIGURED
    )
    sp.save()
    _ensure_admin(sp)
    platform, _ = Platform.objects.update_or_create(
        issuer=sp.issuer,
        client_id=sp.client_id,
        defaults={
            "name": sp.name,
            "flavour": flavour,
            "auth_login_url": fl.auth_url(sp),
            "auth_token_url": fl.token_url(sp),
            "auth_audience": fl.token_url(sp),
            "key_set_url": fl.jwks_url(sp),
            # Canvas serves AGS/NRPS from the school's host, which a registration names when
            # it is made (dynamic registration: the host it came from); launches never add one.
            "service_hosts": urlsplit(sp.root).netloc if flavour == "canvas" else "",
        },
    )
    Deployment.objects.get_or_create(
        platform=platform, deployment_id=sp.deployment_id, defaults={"active": True}
    )
    return sp, platform


def _next_moodle_id(platform: SandboxPlatform) -> int:
    # Moodle user ids are sequential integers; 2 is the site admin.
    subs = SandboxUser.objects.filter(platform=platform).values_list("sub", flat=True)
    return max([int(s) for s in subs if s.isdigit()] or [1]) + 1


def _new_user(
    platform: SandboxPlatform,
    *,
    given: str,
    family: str,
    username: str,
    sourcedid: str = "",
    admin: bool = False,
    sub: str = "",
) -> SandboxUser:
    if not sub:
        sub = (
            naming.canvas_sub()
            if platform.flavour == SandboxPlatform.Flavour.CANVAS
            else str(_next_moodle_id(platform))
        )
    user = SandboxUser.for_person(
        platform,
        sub=sub,
        username=username,
        given=given,
        family=family,
        sourcedid=sourcedid,
        admin=admin,
    )
    user.save(force_insert=True)
    return user


def _ensure_admin(platform: SandboxPlatform) -> SandboxUser:
    admin = SandboxUser.objects.filter(platform=platform, is_site_admin=True).first()
    if admin is None:
        sub = "2" if platform.flavour == SandboxPlatform.Flavour.MOODLE else ""
        admin = _new_user(
            platform, given="Admin", family="User", username="admin", admin=True, sub=sub
        )
    return admin


@transaction.atomic
def seed_course(
    *,
    platform: SandboxPlatform,
    title: str,
    learners: int = 30,
    instructors: int = 1,
    tas: int = 0,
    label: str = "",
    activity: bool | None = None,
) -> SandboxCourse:
    """A course with its teachers and learners enrolled.

    `activity` (default: on for Moodle) adds the LTI activity a Moodle teacher creates to
    place the tool: a resource link with its own grade column (a line item the tool did not
    create). Canvas launches from the course navigation need none.
    """
    if learners < 0 or instructors < 0 or tas < 0:
        raise ValueError("counts must not be negative")
    is_canvas = platform.flavour == SandboxPlatform.Flavour.CANVAS
    label = label or "".join(w[0] for w in title.split() if w[:1].isalnum()).upper()[:8] or "C"
    course = SandboxCourse.objects.create(
        platform=platform,
        title=title,
        label=label,
        context_id=f"pending-{secrets.token_hex(8)}",
        sourcedid=f"{label}-2026",
    )
    course.context_id = (
        naming.opaque_hex(f"{platform.slug}:course:{course.pk}") if is_canvas else str(course.pk)
    )
    course.save(update_fields=["context_id"])
    n0 = SandboxUser.objects.filter(platform=platform).count()
    people = (
        [("instructor", i) for i in range(instructors)]
        + [("ta", i) for i in range(tas)]
        + [("learner", i) for i in range(learners)]
    )
    for k, (role, i) in enumerate(people):
        n = n0 + k
        if role == "learner":
            given, family = naming.person_name(n)
        else:
            given, family = (
                ("Terry", "Teacher")
                if i == 0 and role == "instructor"
                else naming.person_name(n + 7)
            )
        username = f"{role}{course.pk}_{i + 1}"
        # Some Canvas users have no SIS id (the id_token then carries "$Person.sourcedId").
        sourcedid = "" if is_canvas and i % 3 == 2 else f"{username.upper()}-ID"
        user = _new_user(
            platform, given=given, family=family, username=username, sourcedid=sourcedid
        )
        SandboxEnrolment.objects.create(course=course, user=user, role=role)
    if activity is None:
        activity = not is_canvas
    if activity:
        add_activity(course=course, title="Credential activity")
    return course


def add_activity(
    *, course: SandboxCourse, title: str, score_maximum: float = 100, custom: dict | None = None
) -> SandboxResourceLink:
    """A placed resource link with its own grade column (made by the LMS, not the tool).

    In Moodle a teacher adds it from the activity chooser, which lists the tool only when
    the admin set "Show in activity chooser" (mod/lti/locallib.php lti_get_configured_types).
    """
    if not course.platform.in_activity_chooser:
        raise ValueError(
            "the tool is not shown in the activity chooser: a site administrator must set its "
            "Tool configuration usage to 'Show in activity chooser'"
        )
    link = SandboxResourceLink.objects.create(
        course=course, link_id="pending", title=title, custom=custom or {}
    )
    link.link_id = get_flavour(course.platform).new_link_id(link.pk)
    link.save(update_fields=["link_id"])
    SandboxLineItem.objects.create(
        course=course,
        label=title,
        score_maximum=score_maximum,
        resource_link=link,
        created_by_tool=False,
    )
    return link


def launch_url(
    *,
    course: SandboxCourse,
    user: SandboxUser,
    role: str | None = None,
    resource_link: SandboxResourceLink | None = None,
    deep_link: bool = False,
) -> str:
    """The URL that starts a launch as `user` (follow it with browserless.follow_launch).

    `role` None: the user's enrolment decides; "admin" for a site administrator.
    """
    q: dict[str, str | int] = {"course": course.pk, "user": user.pk}
    if role:
        q["role"] = role
    if resource_link is not None:
        q["link"] = resource_link.pk
    if deep_link:
        q["message"] = "deep_link"
    return f"{course.platform.root}/launch?{urlencode(q)}"


def course_users(course: SandboxCourse, role: str) -> list[SandboxUser]:
    return [
        e.user
        for e in course.enrolments.select_related("user").filter(role=role).order_by("user_id")
    ]


def site_admin(platform: SandboxPlatform) -> SandboxUser:
    return _ensure_admin(platform)


__all__ = [
    "connect_tool",
    "seed_course",
    "seed_large_course",
    "add_activity",
    "launch_url",
    "course_users",
    "site_admin",
]
