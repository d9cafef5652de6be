"""Store NRPS roster pages: people upserted, enrolments refreshed, unchanged rows untouched.

Members arrive as the LMS's adapter reads them (`lti_tool.services.nrps`): roles as full
URIs, `active` decided, unfilled variables dropped. Some LMSs list only active members (a
learner who drops simply vanishes), so after a complete roster the enrolments not seen are
marked inactive; nothing is deleted.
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_left
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from lti_tool.roles import map_roles

from .bulk_write import insert_rows_if_absent, select_where_in
from .models import Course, Enrolment, Learner

_PERSON_FIELDS = ("name", "given_name", "family_name", "email", "lis_person_sourcedid")
# A learner's row as the sync inserts it: (platform, sub, the person's fields, updated_at).
LEARNER_ROW = ("platform", "sub", *_PERSON_FIELDS, "updated_at")
_LIMITS = {
    "name": 500,
    "given_name": 255,
    "family_name": 255,
    "email": 320,
    "lis_person_sourcedid": 255,
}


def _person(member: dict) -> dict:
    fields = {f: str(member.get(f) or "") for f in _PERSON_FIELDS}
    for f, limit in _LIMITS.items():
        fields[f] = fields[f][:limit]
    return fields


def _ids_of(platform_id: int, subs: Iterable[str]) -> dict[str, int]:
    return dict(
        select_where_in(
            model=Learner,
            fields=("sub", "id"),
            where={"platform": platform_id},
            key="sub",
            values=list(subs),
        )
    )


def _insert_learners(rows: list[tuple]) -> dict:
    """Inserts the learners (`LEARNER_ROW`s) not stored yet (a launch may add one meanwhile:
    theirs is kept, and the caller reads its id); sub -> id of those inserted."""
    return dict(
        insert_rows_if_absent(model=Learner, fields=LEARNER_ROW, rows=rows, returning=("sub", "id"))
    )


def learner_ids(*, platform_id: int, subs: set[str]) -> dict[str, int]:
    """sub -> Learner id, creating bare rows for subs not seen before (ids only: cheap)."""
    found = _ids_of(platform_id, subs)
    missing = subs - found.keys()
    if missing:
        ordered, now = sorted(missing), timezone.now()
        blank = [""] * len(_PERSON_FIELDS)
        inserted = _insert_learners([(platform_id, sub, *blank, now) for sub in ordered])
        found.update(inserted)
        if len(inserted) < len(missing):
            found.update(_ids_of(platform_id, (sub for sub in ordered if sub not in inserted)))
    return found


def ensure_learners(*, platform_id: int, people: dict[str, dict]) -> dict[str, int]:
    """sub -> Learner id for these people (sub -> fields), writing only what is new or differs.

    Stored rows are compared as plain tuples; new rows are written as plain rows (a course's
    first sync adds thousands: model instances cost more than the INSERT), model instances
    are built only for the few changed ones.
    """
    stored = {
        row[0]: row[1:]
        for row in select_where_in(
            model=Learner,
            fields=("sub", "id", *_PERSON_FIELDS),
            where={"platform": platform_id},
            key="sub",
            values=list(people),
        )
    }
    missing = [sub for sub in people if sub not in stored]
    now = timezone.now()
    changed = []
    for sub, row in stored.items():
        fields = people[sub]
        if fields != dict(zip(_PERSON_FIELDS, row[1:], strict=True)):
            changed.append(Learner(pk=row[0], updated_at=now, **fields))
    ids = {sub: row[0] for sub, row in stored.items()}
    if missing:
        inserted = _insert_learners(
            [(platform_id, sub, *(people[sub][f] for f in _PERSON_FIELDS), now) for sub in missing]
        )
        ids.update(inserted)
        if len(inserted) < len(missing):
            ids.update(_ids_of(platform_id, (sub for sub in missing if sub not in inserted)))
    if changed:
        # bulk_update skips auto_now: updated_at is set above.
        Learner.objects.bulk_update(changed, [*_PERSON_FIELDS, "updated_at"])
    return ids


@transaction.atomic
def store_roster_page(*, course: Course, members: list[dict]) -> set[int]:
    """One page in one transaction; returns the learner ids of the active members seen.

    `members` come from `NRPSClient.iter_member_pages` (each with its `active` flag)."""
    active = [m for m in members if m["active"]]
    people = {str(m["user_id"]): _person(m) for m in active}
    roles = {str(m["user_id"]): sorted(map_roles(m.get("roles") or [])) for m in active}
    ids = ensure_learners(platform_id=course.platform_id, people=people)
    by_id = {ids[sub]: sub for sub in people}
    stored = {
        learner_id: (pk, is_active, json.loads(roles) if isinstance(roles, str) else roles)
        for learner_id, pk, is_active, roles in select_where_in(
            model=Enrolment,
            fields=("learner", "id", "active", "roles"),
            where={"course": course.pk},
            key="learner",
            values=list(by_id),
        )
    }
    now = timezone.now()
    new, changed = [], []
    for learner_id, sub in by_id.items():
        row = stored.get(learner_id)
        if row is None:
            new.append((course.pk, learner_id, roles[sub], True, now))
        elif not row[1] or row[2] != roles[sub]:
            changed.append(Enrolment(pk=row[0], active=True, roles=roles[sub], updated_at=now))
    insert_rows_if_absent(
        model=Enrolment, fields=("course", "learner", "roles", "active", "updated_at"), rows=new
    )
    if changed:
        Enrolment.objects.bulk_update(changed, ["active", "roles", "updated_at"])
    return set(by_id)


def deactivate_missing(*, course: Course, seen_learner_ids: Iterable[int]) -> list[int]:
    """After a complete roster: enrolments not in it become inactive (evidence stays).

    The ids seen are sorted into an array (8 bytes each) and the active enrolments are read
    as a stream and looked up in it, so neither side is held as a set of int objects; the
    difference is written in chunks, so the SQL stays small however large the course.
    """
    seen = array("q", sorted(seen_learner_ids))
    active = (
        Enrolment.objects.filter(course=course, active=True)
        .values_list("learner_id", flat=True)
        .iterator(chunk_size=2000)
    )
    gone = sorted(learner for learner in active if not _holds(seen, learner))
    for start in range(0, len(gone), 500):
        Enrolment.objects.filter(course=course, learner_id__in=gone[start : start + 500]).update(
            active=False, updated_at=timezone.now()
        )
    return gone


def _holds(ordered: array, value: int) -> bool:
    at = bisect_left(ordered, value)
    return at < len(ordered) and ordered[at] == value
