"""Map LTI role URIs (and the short names some platforms send) to the tool's four roles.

Pure: plain strings in, a frozenset out. Only the signed launch's roles claim is used.
The operator may name further roles (LTI_QA_ROLES) that count as administrator (QA of the
platform, the QA console handoff); `map_roles` reads that setting when not given one.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from .launch_context import ADMINISTRATOR, INSTRUCTOR, LEARNER, TEACHING_ASSISTANT

_LIS = "http://purl.imsglobal.org/vocab/lis/v2/"

# Context (membership) roles, by their local name after "membership#" or as a short name.
_MEMBERSHIP = {
    "Instructor": INSTRUCTOR,
    "ContentDeveloper": INSTRUCTOR,
    # A course-level administrator runs that course; acting as QA for the whole institution
    # needs an institution or system Administrator role, which Moodle and Canvas send for admins.
    "Administrator": INSTRUCTOR,
    "Learner": LEARNER,
    "Student": LEARNER,
    "TeachingAssistant": TEACHING_ASSISTANT,  # LTI 1.1 name
    "Mentor": None,  # mentors see others' work in the LMS; here they get no role
    "Manager": INSTRUCTOR,
    "Member": None,
    "Officer": None,
}
# Sub-roles such as membership/Instructor#TeachingAssistant.
_SUB_ROLES = {
    "Instructor#TeachingAssistant": TEACHING_ASSISTANT,
    "Instructor#Grader": TEACHING_ASSISTANT,
    "Instructor#Lecturer": INSTRUCTOR,
    "Instructor#PrimaryInstructor": INSTRUCTOR,
    "Instructor#SecondaryInstructor": INSTRUCTOR,
    "Instructor#ExternalInstructor": INSTRUCTOR,
    "Learner#Learner": LEARNER,
    "Learner#NonCreditLearner": LEARNER,
    "Administrator#Administrator": INSTRUCTOR,
    "ContentDeveloper#ContentDeveloper": INSTRUCTOR,
}


def map_role(role: str) -> str | None:
    """One role string -> the tool's role, or None when it grants nothing here."""
    role = (role or "").strip()
    if not role:
        return None
    if role.startswith(_LIS + "membership/"):
        return _SUB_ROLES.get(role[len(_LIS + "membership/") :])
    if role.startswith(_LIS + "membership#"):
        local = role[len(_LIS + "membership#") :]
        # Some platforms (and our Moodle-flavoured sandbox) write sub-roles this way.
        return _SUB_ROLES.get(local) if "#" in local else _MEMBERSHIP.get(local)
    if role.startswith("urn:lti:role:ims/lis/"):  # LTI 1.1 names, still allowed (deprecated)
        local = role[len("urn:lti:role:ims/lis/") :].replace("/", "#")
        return _SUB_ROLES.get(local) if "#" in local else _MEMBERSHIP.get(local)
    if role.startswith("urn:lti:instrole:ims/lis/") or role.startswith("urn:lti:sysrole:ims/lis/"):
        return ADMINISTRATOR if role.endswith(("/Administrator", "/SysAdmin")) else None
    if role.startswith(_LIS + "institution/person#") or role.startswith(_LIS + "system/person#"):
        # Institution and system roles say who someone is, not what they do in this course;
        # only administrators get a role from them (Moodle sends them for site admins).
        local = role.split("#", 1)[1]
        return ADMINISTRATOR if local in ("Administrator", "SysAdmin") else None
    if role.startswith("http://") or role.startswith("https://"):
        return None  # an unknown vocabulary grants nothing
    # Short names (LTI 1.3 allows them for context roles; Moodle's NRPS uses them).
    if "#" in role:
        return _SUB_ROLES.get(role)
    return _MEMBERSHIP.get(role)


def map_roles(roles: Iterable[str], qa_roles: Iterable[str] | None = None) -> frozenset[str]:
    names = [x for x in roles if isinstance(x, str)]
    mapped = {r for r in (map_role(x) for x in names) if r}
    if qa_roles is None:
        qa_roles = getattr(settings, "LTI_QA_ROLES", ())
    operator_qa = {r.strip() for r in qa_roles if r.strip()}
    if operator_qa & {x.strip() for x in names}:
        mapped.add(ADMINISTRATOR)
    if TEACHING_ASSISTANT in mapped and INSTRUCTOR in mapped:
        # A sub-role comes with its principal role (LTI 1.3 §A.2.2): "Instructor" next to
        # "Instructor#TeachingAssistant" makes a TA, not a full instructor, unless another
        # role of the launch grants instruction on its own.
        full = {
            x
            for x in names
            if map_role(x) == INSTRUCTOR
            and not x.rstrip("/").endswith(("#Instructor", "/Instructor"))
            and x != "Instructor"
        }
        if not full:
            mapped.discard(INSTRUCTOR)
    return frozenset(mapped)
