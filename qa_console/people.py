"""Who did it, in words: audit actor ids to people's names with their role and platform.

Actor ids are what audit events, versions and awards record (`lti:<platform>:<sub>`,
`user:<pk>`, `system:<process>`, `command:<name>`, `dynamic-registration:<host>`,
`wallet:…`, `client:<OAuth client id>`). `describe_actors` resolves a whole page of them
with a fixed number of queries (users, their groups, LMS people with their enrolments,
platforms), never one per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from assessments.models import Learner
from lti_tool.launch_context import ADMINISTRATOR, INSTRUCTOR, LEARNER, TEACHING_ASSISTANT
from lti_tool.models import Platform
from lti_tool.roles import map_role
from rubrics.models import QA_GROUP

# Highest first: a person who teaches one course and studies in another is named by the
# role that acts on credentials.
_ROLE_ORDER = (ADMINISTRATOR, INSTRUCTOR, TEACHING_ASSISTANT, LEARNER)


def _role_words() -> dict[str, str]:
    return {
        ADMINISTRATOR: _("LMS administrator"),
        INSTRUCTOR: _("instructor"),
        TEACHING_ASSISTANT: _("teaching assistant"),
        LEARNER: _("learner"),
    }


def _processes() -> dict[str, str]:
    return {
        "system:awarding": _("Automatic awarding"),
        "system:re-evaluation": _("Automatic re-evaluation after a grade change"),
        "system": _("Credbridge (automatic)"),
        "wallet:pre-authorized": _("A digital wallet (pre-authorised offer)"),
    }


def platform_words(platform: Platform) -> str:
    """ "Moodle at example.edu": the LMS product and the host people know it by."""
    host = urlsplit(platform.issuer).hostname or platform.issuer
    if platform.flavour == Platform.Flavour.GENERIC:
        return _("%(name)s at %(host)s") % {"name": platform.name or _("an LMS"), "host": host}
    return _("%(product)s at %(host)s") % {
        "product": platform.get_flavour_display(),
        "host": host,
    }


def _role_of(roles: Iterable[Iterable[str]]) -> str:
    found: set[str] = set()
    for role_list in roles:
        for role in role_list or ():
            if not isinstance(role, str):
                continue
            # Launches store the tool's own role names; a roster sync may store the LMS's.
            found.add(role if role in _ROLE_ORDER else (map_role(role) or ""))
    for role in _ROLE_ORDER:
        if role in found:
            return _role_words()[role]
    return _("person")


def _lti_parts(actor: str) -> tuple[int, str] | None:
    _prefix, _sep, rest = actor.partition(":")
    platform_id, sep, sub = rest.partition(":")
    if not sep or not platform_id.isdigit() or not sub:
        return None
    return int(platform_id), sub


def describe_actors(actor_ids: Iterable[str]) -> dict[str, str]:
    """Each actor id -> how a person reads it ("Ana García (instructor, Moodle at
    example.edu)", "Automatic awarding"); an id it cannot resolve is shown as it is."""
    ids = {a for a in actor_ids if a}
    words: dict[str, str] = {}
    user_pks: dict[str, int] = {}
    lti: dict[str, tuple[int, str]] = {}
    for actor in ids:
        if actor in _processes():
            words[actor] = _processes()[actor]
        elif actor.startswith("user:") and actor[5:].isdigit():
            user_pks[actor] = int(actor[5:])
        elif actor.startswith("lti:") and (parts := _lti_parts(actor)):
            lti[actor] = parts
        elif actor.startswith("command:"):
            words[actor] = _("An operator, on the command line (%(command)s)") % {
                "command": actor[8:]
            }
        elif actor.startswith("dynamic-registration:"):
            words[actor] = _("The LMS at %(host)s, registering itself") % {"host": actor[21:]}
        elif actor.startswith("wallet:"):
            words[actor] = _("The learner's digital wallet (%(holder)s)") % {"holder": actor[7:]}
        elif actor.startswith("client:"):
            words[actor] = _("An app connected through the Open Badges API (%(client)s)") % {
                "client": actor[7:]
            }
        elif actor.startswith("system:"):
            words[actor] = _("Credbridge, automatically (%(process)s)") % {"process": actor[7:]}
    words.update(_users(user_pks))
    words.update(_lms_people(lti))
    return {actor: words.get(actor, actor) for actor in ids}


def _users(user_pks: dict[str, int]) -> dict[str, str]:
    if not user_pks:
        return {}
    users = {
        u.pk: u
        for u in get_user_model()
        .objects.filter(pk__in=set(user_pks.values()))
        .prefetch_related("groups")
    }
    out = {}
    for actor, pk in user_pks.items():
        user = users.get(pk)
        if user is None:
            out[actor] = _("A console user who no longer exists (%(id)s)") % {"id": actor}
            continue
        name = user.get_full_name() or user.get_username()
        if any(g.name == QA_GROUP for g in user.groups.all()):
            role = _("quality assurance")
        elif user.is_superuser:
            role = _("operator")
        else:
            role = _("console user")
        out[actor] = _("%(name)s (%(role)s)") % {"name": name, "role": role}
    return out


def _lms_people(lti: dict[str, tuple[int, str]]) -> dict[str, str]:
    if not lti:
        return {}
    platforms = Platform.objects.in_bulk({p for p, _s in lti.values()})
    match = Q()
    for platform_id, sub in lti.values():
        match |= Q(platform_id=platform_id, sub=sub)
    people = {
        (p.platform_id, p.sub): p
        for p in Learner.objects.filter(match).prefetch_related("enrolments")
    }
    out = {}
    for actor, (platform_id, sub) in lti.items():
        platform = platforms.get(platform_id)
        where = platform_words(platform) if platform else _("an LMS no longer registered")
        person = people.get((platform_id, sub))
        if person is None:
            out[actor] = _("Someone on %(platform)s (user %(sub)s)") % {
                "platform": where,
                "sub": sub,
            }
            continue
        role = _role_of(e.roles for e in person.enrolments.all())
        out[actor] = _("%(name)s (%(role)s, %(platform)s)") % {
            "name": person.name or person.sub,
            "role": role,
            "platform": where,
        }
    return out
