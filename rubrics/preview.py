"""Preview a version against the course's current evidence: who would meet it now, and who
would gain or lose compared with the active version. Used by the editor and QA review."""

from __future__ import annotations

from dataclasses import dataclass

from assessments.models import Course, Enrolment, Learner

from .evaluate import MET, Decision, evaluate
from .evidence import load_evidence
from .models import RubricVersion
from .spec import SpecError, VersionSpec

_STAFF_ROLE_WORDS = ("instructor", "teachingassistant", "teaching_assistant", "administrator")


@dataclass(frozen=True)
class PreviewRow:
    learner_id: int
    name: str
    decision: Decision
    active_outcome: str | None  # under the active version, None when there is none

    @property
    def change(self) -> str:
        """'gains', 'loses' or '' compared with the active version."""
        if self.active_outcome is None:
            return ""
        now_met, was_met = self.decision.outcome == MET, self.active_outcome == MET
        if now_met and not was_met:
            return "gains"
        if was_met and not now_met:
            return "loses"
        return ""


@dataclass(frozen=True)
class Preview:
    rows: tuple[PreviewRow, ...]
    error: str = ""
    active_version: RubricVersion | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.decision.outcome == outcome)

    @property
    def met(self) -> int:
        return self.count(MET)

    @property
    def gains(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.change == "gains"]

    @property
    def losses(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.change == "loses"]


def _is_learner(roles: list[object]) -> bool:
    text = " ".join(str(r) for r in roles or ()).lower()
    return "learner" in text or not any(w in text for w in _STAFF_ROLE_WORDS)


def course_learners(course: Course) -> dict[int, str]:
    """Learners enrolled in the course (staff excluded), id -> display name."""
    enrolments = Enrolment.objects.filter(course=course, active=True).values_list(
        "learner_id", "roles"
    )
    ids = [lid for lid, roles in enrolments if _is_learner(roles)]
    people = Learner.objects.filter(pk__in=ids, platform_id=course.platform_id)
    return {p.pk: (p.name or p.sub) for p in people}


def preview_version(
    *,
    version: RubricVersion,
    spec: VersionSpec | None = None,
    key_by_item: dict[int, str] | None = None,
) -> Preview:
    """Who meets `version` now; `spec` and `key_by_item` preview edits not saved yet
    (rubrics.editing.draft_spec and draft_bindings)."""
    course = version.rubric.course
    active = (
        version.rubric.versions.filter(state=RubricVersion.State.ACTIVE)
        .exclude(pk=version.pk)
        .first()
    )
    try:
        spec = (spec or version.to_spec()).validate()
    except SpecError as exc:
        return Preview(rows=(), error=str(exc), active_version=active)
    learners = course_learners(course)
    evidence = load_evidence(version=version, key_by_item=key_by_item)
    active_spec = active.to_spec() if active else None
    active_evidence = load_evidence(version=active) if active else {}
    for learner_id in evidence.keys() - learners.keys():
        # Graded but no longer enrolled (Canvas drops departed members): still shown.
        learners[learner_id] = ""
    if missing := [i for i, name in learners.items() if not name]:
        for p in Learner.objects.filter(pk__in=missing):
            learners[p.pk] = p.name or p.sub
    rows = []
    for learner_id, name in sorted(learners.items(), key=lambda kv: (kv[1].lower(), kv[0])):
        decision = evaluate(spec, evidence.get(learner_id, {}))
        active_outcome = (
            evaluate(active_spec, active_evidence.get(learner_id, {})).outcome
            if active_spec
            else None
        )
        rows.append(PreviewRow(learner_id, name, decision, active_outcome))
    return Preview(rows=tuple(rows), active_version=active)
