"""Record what a verified launch tells us about the course and the person."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from lti_tool.models import Platform
from lti_tool.platforms import get_adapter
from lti_tool.prepared_reads import BoundRead, PreparedRead

from .models import Course, Enrolment, Learner

AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"
DEPLOYMENT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
LIS_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/lis"

M = TypeVar("M", bound=models.Model)
# A course's last launch is kept to the minute: the launches of a busy course do not all
# write (and so queue on the lock of) its one row; a quiet course's next launch still does.
LAUNCH_TIME_RESOLUTION = timedelta(minutes=1)


def _text(value: object, limit: int) -> str:
    """Stored text: absent is empty, NUL (which PostgreSQL cannot store) is dropped."""
    return "" if value is None else str(value).replace("\x00", "")[:limit]


def _changed(row: models.Model, values: dict, coarse: dict[str, timedelta]) -> list[str]:
    """The fields of `values` that `row` does not hold yet (a time in `coarse` only once it
    moved by at least its resolution)."""

    def moved(name: str, value: object) -> bool:
        old = getattr(row, name)
        if name in coarse and old is not None and value is not None:
            return abs(value - old) >= coarse[name]
        return bool(old != value)

    return [name for name, value in values.items() if moved(name, value)]


def _upsert(
    model: type[M],
    *,
    lookup: dict,
    values: dict,
    coarse: dict[str, timedelta] | None = None,
    row: M | None = None,
) -> M:
    """The row for `lookup` with `values`, writing only the fields that changed.

    Most launches repeat what the row already says: no UPDATE then (update_or_create writes
    every field, in a savepoint of its own, each time). A row two launches create at once is
    settled by get_or_create (unique constraints). A time in `coarse` counts as changed only
    when it moved by at least its resolution. `row`: the row for `lookup`, if already read.
    """
    if row is None:
        row = model._default_manager.filter(**lookup).first()
    if row is None:
        row, created = model._default_manager.get_or_create(**lookup, defaults=values)
        if created:
            return row
    changed = _changed(row, values, coarse or {})
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        # auto_now fields (updated_at) move with a change only, as the roster sync does.
        auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        row.save(update_fields=[*changed, *auto_now])
    return row


# A returning person's enrolment in the course, with its course and learner: one query where
# reading the three rows one by one takes three, its SQL built once (ADR 0077).
KNOWN_ENROLMENT: PreparedRead[Enrolment] = PreparedRead(
    lambda course_platform_id, context_id, learner_platform_id, sub: (
        Enrolment.objects.select_related("course", "learner")
        .filter(
            course__platform_id=course_platform_id,
            course__context_id=context_id,
            learner__platform_id=learner_platform_id,
            learner__sub=sub,
        )
        .order_by("pk")[:1]
    ),
    params={"course_platform_id": int, "context_id": str, "learner_platform_id": int, "sub": str},
)


def _known_enrolment_read(*, platform_id: int, sub: str, context_id: str) -> BoundRead[Enrolment]:
    return KNOWN_ENROLMENT.bound(
        course_platform_id=platform_id,
        context_id=context_id,
        learner_platform_id=platform_id,
        sub=sub,
    )


def known_enrolment_offer(*, platform_id: int, claims: Mapping[str, Any]) -> BoundRead | None:
    """The enrolment read `record_launch` makes, for the person and course an id_token names
    before it is verified (lti_tool.launch_hooks: sent with the launch's platform read, used
    only if the verified claims make the same read). None when they name no person or course."""
    sub, context = claims.get("sub"), claims.get(CONTEXT_CLAIM)
    context_id = context.get("id") if isinstance(context, dict) else None
    if not isinstance(sub, str) or not sub or isinstance(context_id, bool):
        return None
    if not isinstance(context_id, str | int) or not context_id:
        return None
    # PostgreSQL refuses a NUL in text; such claims are refused after verification
    # (lti_tool.launch_claims), and must not fail the read before it.
    if "\x00" in sub or "\x00" in str(context_id):
        return None
    return _known_enrolment_read(platform_id=platform_id, sub=sub, context_id=str(context_id))


def _known_enrolment(
    *,
    platform: Platform,
    sub: str,
    context_id: str,
    offered: tuple[BoundRead, list] | None,
) -> Enrolment | None:
    read = _known_enrolment_read(platform_id=platform.pk, sub=sub, context_id=context_id)
    if offered is not None and offered[0] == read:  # the same read, already made
        return offered[1][0] if offered[1] else None
    return read.read.first(**read.values)


def record_launch(
    *,
    platform: Platform,
    claims: dict,
    roles: list[str],
    offered: tuple[BoundRead, list] | None = None,
) -> tuple[Course | None, Learner]:
    """Upsert the course, the person and their enrolment from a verified id_token's claims.

    `claims` must come from a verified id_token whose claim types were checked
    (lti_tool.launch_claims): the service URLs stored here are used later without a launch in
    hand. Text is stored NUL-free and cut to its column whatever the caller did.

    A returning person whose three rows already say what the launch says (most launches)
    costs one read and no transaction; anything to write is written in one transaction.
    `offered`: that read as made before verification (`known_enrolment_offer`) with its
    answer, used only if it is the read these claims make.
    """
    sub = str(claims["sub"])
    learner_values = {
        "name": _text(claims.get("name"), 500),
        "given_name": _text(claims.get("given_name"), 255),
        "family_name": _text(claims.get("family_name"), 255),
        "email": _text(claims.get("email"), 320),
        # As the roster stores it: an LMS may send the variable itself when it has no value.
        "lis_person_sourcedid": _text(
            get_adapter(platform).substituted(
                (claims.get(LIS_CLAIM) or {}).get("person_sourcedid")
            ),
            255,
        ),
    }
    context = claims.get(CONTEXT_CLAIM) or {}
    if not context.get("id"):
        with transaction.atomic():
            learner = _upsert(
                Learner, lookup={"platform": platform, "sub": sub}, values=learner_values
            )
        return None, learner
    context_id = str(context["id"])
    ags = claims.get(AGS_CLAIM) or {}
    nrps = claims.get(NRPS_CLAIM) or {}
    course_values = {
        "title": _text(context.get("title"), 500),
        "label": _text(context.get("label"), 255),
        "deployment_id": str(claims.get(DEPLOYMENT_CLAIM, "")),
        "last_launch_at": timezone.now(),
        # Someone is using the course: its periodic syncs come back to the base interval,
        # the next one due at the next dispatch (sync_schedule), in this same write.
        "quiet_syncs": 0,
        "next_sync_at": None,
    }
    if ags.get("lineitems"):
        course_values["lineitems_url"] = ags["lineitems"]
        course_values["ags_scopes"] = list(ags.get("scope") or [])
    if nrps.get("context_memberships_url"):
        course_values["memberships_url"] = nrps["context_memberships_url"]
    course_coarse = {"last_launch_at": LAUNCH_TIME_RESOLUTION}
    enrolment_values = {"roles": sorted(roles), "active": True}
    known = _known_enrolment(platform=platform, sub=sub, context_id=context_id, offered=offered)
    if known is not None and not (
        _changed(known.learner, learner_values, {})
        or _changed(known.course, course_values, course_coarse)
        or _changed(known, enrolment_values, {})
    ):
        return known.course, known.learner
    with transaction.atomic():
        learner = _upsert(
            Learner,
            lookup={"platform": platform, "sub": sub},
            values=learner_values,
            row=known.learner if known else None,
        )
        course = _upsert(
            Course,
            lookup={"platform": platform, "context_id": context_id},
            values=course_values,
            coarse=course_coarse,
            row=known.course if known else None,
        )
        _upsert(
            Enrolment,
            lookup={"course": course, "learner": learner},
            values=enrolment_values,
            row=known,
        )
    return course, learner
