"""A course ready for awarding, built through the real rubric workflow (no LMS needed):
three DigComp-aligned criteria bound to line items, approved by QA and active, and a rule."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.utils import timezone

from assessments.models import Course, Enrolment, Learner, LineItem, Result, ResultRevision
from awarding.models import Achievement, AwardingRule
from rubrics import workflow
from rubrics.actors import Actor
from rubrics.models import Competence, Criterion, CriterionAlignment, CriterionLevel, Rubric

from .factories import make_achievement, make_course, make_learner

CRITERIA = (
    # key, title, points, threshold, DigComp competence code
    ("browse", "Browsing and searching data", 10, 6, "1.1"),
    ("create", "Developing digital content", 20, 12, "3.1"),
    ("protect", "Protecting devices", 10, 5, "4.1"),
)


@dataclass
class Scenario:
    course: Course
    achievement: Achievement
    rubric: Rubric
    rule: AwardingRule
    line_items: dict[str, LineItem]
    learners: list[Learner] = field(default_factory=list)

    def grade(self, learner: Learner, key: str, score: float | None, comment: str = "") -> Result:
        """Store a result as the sync would (new revision when it changes)."""
        item = self.line_items[key]
        now = timezone.now()
        digest = hashlib.sha256(f"{score}|{comment}".encode()).hexdigest()
        result, created = Result.objects.get_or_create(
            line_item=item,
            learner=learner,
            defaults={
                "score": score,
                "maximum": item.score_maximum,
                "comment": comment,
                "lms_timestamp": now,
                "content_hash": digest,
                "fetched_at": now,
            },
        )
        if not created:
            result.score, result.comment, result.lms_timestamp = score, comment, now
            result.content_hash, result.fetched_at = digest, now
            result.revision += 1
            result.save()
        ResultRevision.objects.create(
            result=result,
            number=result.revision,
            score=score,
            maximum=item.score_maximum,
            comment=comment,
            lms_timestamp=now,
            content_hash=digest,
            recorded_at=now,
        )
        return result

    def grade_all(self, learner: Learner, fraction: float) -> None:
        for key, _title, points, _threshold, _code in CRITERIA:
            self.grade(learner, key, round(points * fraction, 2))

    def add_learners(self, n: int) -> list[Learner]:
        new = [make_learner(platform=self.course.platform) for _ in range(n)]
        for learner in new:
            Enrolment.objects.create(
                course=self.course,
                learner=learner,
                roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            )
        self.learners.extend(new)
        return new


def build(*, flavour: str = "moodle", mode: str = AwardingRule.Mode.AUTOMATIC) -> Scenario:
    from .factories import make_platform
    from .preload import ensure_preloaded

    ensure_preloaded()
    course = make_course(platform=make_platform(flavour=flavour))
    course.lineitems_url = f"{course.platform.issuer}/lineitems"
    course.save()
    instructor = Actor(
        id=f"lti:{course.platform_id}:teacher",
        name="Teacher",
        course_id=course.pk,
        platform_id=course.platform_id,
    )
    qa = Actor(id="user:qa", name="QA", qa_platform_ids=frozenset({course.platform_id}))
    rubric = workflow.create_rubric(course=course, title="Digital content", actor=instructor)
    version = rubric.versions.get()
    items = {}
    for position, (key, title, points, threshold, code) in enumerate(CRITERIA):
        items[key] = LineItem.objects.create(
            course=course,
            url=f"{course.platform.issuer}/lineitems/{key}",
            label=title,
            score_maximum=points,
            tag=f"credbridge:criterion:{key}",
            created_by_tool=True,
        )
        criterion = Criterion.objects.create(
            version=version,
            position=position,
            key=key,
            title=title,
            points=points,
            threshold=threshold,
            line_item=items[key],
        )
        CriterionLevel.objects.create(criterion=criterion, name="Foundation", min_score=0)
        CriterionLevel.objects.create(criterion=criterion, name="Intermediate", min_score=threshold)
        CriterionLevel.objects.create(criterion=criterion, name="Advanced", min_score=points * 0.9)
        CriterionAlignment.objects.create(
            criterion=criterion,
            competence=Competence.objects.get(framework__slug="digcomp-2-2", code=code),
        )
    workflow.submit(version=version, actor=instructor)
    workflow.approve(version=version, actor=qa)
    workflow.activate(version=version, actor=qa)
    achievement = make_achievement(course=course)
    rule = AwardingRule.objects.create(
        course=course, achievement=achievement, rubric=rubric, mode=mode
    )
    return Scenario(course, achievement, rubric, rule, items)
