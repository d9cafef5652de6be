"""Which rules apply, which rubric version counts, and whom to evaluate."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from assessments.models import Enrolment, Result
from rubrics.models import RubricVersion
from rubrics.spec import VersionSpec

from .models import AwardingRule

ACTIVE_VERSION_STATE = "active"


def active_version(*, rubric_id: int) -> RubricVersion | None:
    """The rubric's active (QA-approved and activated) version, or None."""
    return (
        RubricVersion.objects.filter(rubric_id=rubric_id, state=ACTIVE_VERSION_STATE)
        .order_by("-pk")
        .first()
    )


def active_rules(*, course_id: int) -> list[AwardingRule]:
    return list(
        AwardingRule.objects.filter(course_id=course_id, active=True).select_related(
            "achievement", "course"
        )
    )


def rules_for_rubric(*, rubric_id: int) -> list[AwardingRule]:
    return list(AwardingRule.objects.filter(rubric_id=rubric_id, active=True))


def _is_learner_role(roles: list[object]) -> bool:
    # Roles arrive as full LIS URIs or as short names, depending on the LMS and the source.
    text = " ".join(str(r) for r in roles or ()).lower()
    return "learner" in text or "student" in text


def course_learner_ids(*, course_id: int) -> list[int]:
    """Everyone to evaluate in a course: active learners, and anyone with a result in it."""
    ids = {
        e.learner_id
        for e in Enrolment.objects.filter(course_id=course_id, active=True).only(
            "learner_id", "roles"
        )
        if _is_learner_role(e.roles)
    }
    ids.update(
        Result.objects.filter(Q(line_item__course_id=course_id))
        .values_list("learner_id", flat=True)
        .distinct()
    )
    return sorted(ids)


# A version that left the draft state never changes (rubrics enforce it), so its spec can be
# kept for the life of the process: issuing a thousand awards builds it once, not 1,000 times.
_SPECS: dict[tuple[int, datetime], VersionSpec] = {}
_SPECS_MAX = 256


def version_spec(version: RubricVersion) -> VersionSpec:
    """`version.to_spec()`, cached for versions that can no longer change."""
    if version.state == "draft":
        return version.to_spec()
    # created_at too: a test database may hand out the same primary key again.
    key = (version.pk, version.created_at)
    spec = _SPECS.get(key)
    if spec is None:
        if len(_SPECS) >= _SPECS_MAX:
            _SPECS.clear()
        spec = _SPECS[key] = version.to_spec()
    return spec
