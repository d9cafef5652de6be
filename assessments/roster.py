"""Store NRPS roster pages: people upserted, enrolments refreshed, unchanged rows untouched.

Canvas lists only active members (a learner who drops simply vanishes), so after a
complete roster the enrolments not seen are marked inactive; nothing is deleted.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lti_tool.roles import map_roles

from .models import Course, Enrolment, Learner

_PERSON_FIELDS = ("name", "given_name", "family_name", "email", "lis_person_sourcedid")
_LIMITS = {"name": 500, "given_name": 255, "family_name": 255, "email": 320}


def _person(member: dict) -> dict:
    fields = {f: str(member.get(f) or "") for f in _PERSON_FIELDS}
    for f, limit in _LIMITS.items():
        fields[f] = fields[f][:limit]
    if fields["lis_person_sourcedid"].startswith("$"):
        fields["lis_person_sourcedid"] = ""  # Canvas sends unexpanded variables literally
    fields["lis_person_sourcedid"] = fields["lis_person_sourcedid"][:255]
    return fields


def learners_by_sub(*, platform_id: int, subs: set[str]) -> dict[str, Learner]:
    return {
        learner.sub: learner
        for learner in Learner.objects.filter(platform_id=platform_id, sub__in=subs)
    }


def learner_ids(*, platform_id: int, subs: set[str]) -> dict[str, int]:
    """sub -> Learner id, creating bare rows for subs not seen before (ids only: cheap)."""
    found = dict(
        Learner.objects.filter(platform_id=platform_id, sub__in=subs).values_list("sub", "pk")
    )
    missing = subs - found.keys()
    if missing:
        Learner.objects.bulk_create(
            [Learner(platform_id=platform_id, sub=sub) for sub in missing], ignore_conflicts=True
        )
        found.update(
            Learner.objects.filter(platform_id=platform_id, sub__in=missing).values_list(
                "sub", "pk"
            )
        )
    return found


def ensure_learners(*, platform_id: int, people: dict[str, dict]) -> dict[str, Learner]:
    """Learners for these subs (sub -> fields to keep), creating or updating only what differs."""
    existing = learners_by_sub(platform_id=platform_id, subs=set(people))
    new = [
        Learner(platform_id=platform_id, sub=sub, **fields)
        for sub, fields in people.items()
        if sub not in existing
    ]
    if new:
        Learner.objects.bulk_create(new, ignore_conflicts=True)
        existing = learners_by_sub(platform_id=platform_id, subs=set(people))
    changed = []
    now = timezone.now()
    for sub, fields in people.items():
        learner = existing[sub]
        if fields and any(getattr(learner, f) != v for f, v in fields.items()):
            for f, v in fields.items():
                setattr(learner, f, v)
            learner.updated_at = now  # bulk_update skips auto_now
            changed.append(learner)
    if changed:
        Learner.objects.bulk_update(changed, list(_PERSON_FIELDS) + ["updated_at"])
    return existing


@transaction.atomic
def store_roster_page(*, course: Course, members: list[dict]) -> set[int]:
    """One page in one transaction; returns the learner ids of the active members seen."""
    active = [m for m in members if str(m.get("status", "Active")).lower() == "active"]
    people = {str(m["user_id"]): _person(m) for m in active}
    roles = {str(m["user_id"]): sorted(map_roles(m.get("roles") or [])) for m in active}
    learners = ensure_learners(platform_id=course.platform_id, people=people)
    ids = {learners[sub].pk: sub for sub in people}
    enrolments = {
        e.learner_id: e for e in Enrolment.objects.filter(course=course, learner_id__in=ids)
    }
    new, changed = [], []
    for learner_id, sub in ids.items():
        enrolment = enrolments.get(learner_id)
        if enrolment is None:
            new.append(Enrolment(course=course, learner_id=learner_id, roles=roles[sub]))
        elif not enrolment.active or enrolment.roles != roles[sub]:
            enrolment.active, enrolment.roles = True, roles[sub]
            enrolment.updated_at = timezone.now()
            changed.append(enrolment)
    Enrolment.objects.bulk_create(new, ignore_conflicts=True)
    if changed:
        Enrolment.objects.bulk_update(changed, ["active", "roles", "updated_at"])
    return set(ids)


def deactivate_missing(*, course: Course, seen_learner_ids: set[int]) -> list[int]:
    """After a complete roster: enrolments not in it become inactive (evidence stays).

    The difference is taken in Python and written in chunks, so the SQL stays small
    however large the course.
    """
    active = set(
        Enrolment.objects.filter(course=course, active=True).values_list("learner_id", flat=True)
    )
    gone = sorted(active - seen_learner_ids)
    for start in range(0, len(gone), 500):
        Enrolment.objects.filter(course=course, learner_id__in=gone[start : start + 500]).update(
            active=False, updated_at=timezone.now()
        )
    return gone
