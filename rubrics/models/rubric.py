"""Rubrics as versioned definitions. A version is editable only while it is a draft: once
submitted, its content (criteria, levels, alignments, policy) never changes — any change
is a new version — and only its review state moves on."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Course, LineItem

from ..spec import (
    HIGHEST,
    LATEST,
    PERCENT,
    POINTS,
    AlignmentSpec,
    CriterionSpec,
    LevelSpec,
    PolicySpec,
    VersionSpec,
)
from .frameworks import Competence, ProficiencyLevel


class ImmutableVersionError(Exception):
    """A submitted rubric version (or its criteria) cannot be changed."""


class Rubric(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="rubrics")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    created_by = models.CharField(max_length=300, help_text="Actor id of the creator.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title

    @property
    def platform_id(self) -> int:
        return self.course.platform_id


class RubricVersion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    class ResultChoice(models.TextChoices):
        LATEST = LATEST, "The latest result"
        HIGHEST = HIGHEST, "The highest result"

    # Content: frozen once the version leaves the draft state.
    CONTENT_FIELDS = (
        "title",
        "min_weighted_total",
        "min_passed",
        "result_choice",
        "window_start",
        "window_end",
    )

    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    min_weighted_total = models.FloatField(
        null=True, blank=True, help_text="Percent of the weighted maximum, optional."
    )
    min_passed = models.PositiveIntegerField(
        null=True, blank=True, help_text="At least this many criteria passed, optional."
    )
    result_choice = models.CharField(
        max_length=10, choices=ResultChoice.choices, default=ResultChoice.LATEST
    )
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    # Review state, moved only by rubrics.workflow.
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    author = models.CharField(max_length=300, help_text="Actor id of the author.")
    author_name = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.CharField(max_length=300, blank=True)
    reviewed_by_name = models.CharField(max_length=300, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.CharField(max_length=300, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rubric", "number"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "number"], name="uniq_rubric_version"),
            models.UniqueConstraint(
                fields=["rubric"],
                condition=models.Q(state="active"),
                name="one_active_version_per_rubric",
            ),
            models.UniqueConstraint(
                fields=["rubric"],
                condition=models.Q(state="draft"),
                name="one_draft_version_per_rubric",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number} ({self.state})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            stored = (
                RubricVersion.objects.filter(pk=self.pk)
                .values(*self.CONTENT_FIELDS, "state")
                .first()
            )
            if stored and stored["state"] != self.State.DRAFT:
                changed = [f for f in self.CONTENT_FIELDS if stored[f] != getattr(self, f)]
                if changed:
                    raise ImmutableVersionError(
                        f"Version {self.number} was submitted; {', '.join(changed)} cannot change."
                        " Make a new version."
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.state != self.State.DRAFT:
            raise ImmutableVersionError("Only a draft version can be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    def to_spec(self) -> VersionSpec:
        criteria = (
            self.criteria.select_related("line_item")
            .prefetch_related(
                "levels",
                "alignments__competence__framework",
                "alignments__proficiency",
            )
            .order_by("position", "pk")
        )
        return VersionSpec(
            rubric_id=self.rubric_id,
            version_id=self.pk,
            number=self.number,
            title=self.title,
            policy=PolicySpec(
                min_weighted_total=self.min_weighted_total,
                min_passed=self.min_passed,
                result_choice=self.result_choice,
                window_start=self.window_start,
                window_end=self.window_end,
            ),
            criteria=tuple(c.to_spec() for c in criteria),
        )


class _DraftOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused when any row belongs to a submitted version."""

    def _guard(self) -> None:
        path = self.model.VERSION_PATH
        if self.exclude(**{f"{path}__state": RubricVersion.State.DRAFT}).exists():
            raise ImmutableVersionError("This rubric version was submitted; make a new version.")

    def update(self, **kwargs):
        self._guard()
        return super().update(**kwargs)

    def delete(self):
        self._guard()
        return super().delete()


class _DraftOnly(models.Model):
    """Rows that belong to a version and change only while it is a draft."""

    VERSION_PATH = "version"
    objects = _DraftOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard()
        return super().delete(*args, **kwargs)

    def _version(self) -> RubricVersion:
        raise NotImplementedError

    def _guard(self) -> None:
        state = RubricVersion.objects.filter(pk=self._version().pk).values_list("state", flat=True)
        if state and state[0] != RubricVersion.State.DRAFT:
            raise ImmutableVersionError("This rubric version was submitted; make a new version.")


class Criterion(_DraftOnly):
    class ThresholdUnit(models.TextChoices):
        POINTS = POINTS, "points"
        PERCENT = PERCENT, "percent"

    class Source(models.TextChoices):
        TOOL = "tool", _("A new Credbridge column in the gradebook")
        EXISTING = "existing", _("An existing column of this tool")

    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField(default=0)
    key = models.SlugField(max_length=64)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    points = models.FloatField(help_text="The line item's scoreMaximum.")
    threshold = models.FloatField()
    threshold_unit = models.CharField(
        max_length=10, choices=ThresholdUnit.choices, default=ThresholdUnit.POINTS
    )
    required = models.BooleanField(default=True)
    weight = models.FloatField(default=1.0)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.TOOL)
    line_item = models.ForeignKey(
        LineItem, null=True, blank=True, on_delete=models.PROTECT, related_name="criteria"
    )

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="uniq_criterion_key")
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"

    def _version(self) -> RubricVersion:
        return self.version

    @property
    def tag(self) -> str:
        return f"credbridge:criterion:{self.key}"

    def to_spec(self) -> CriterionSpec:
        return CriterionSpec(
            key=self.key,
            title=self.title,
            description=self.description,
            points=self.points,
            threshold=self.threshold,
            threshold_unit=self.threshold_unit,
            required=self.required,
            weight=self.weight,
            line_item_url=self.line_item.url if self.line_item is not None else "",
            line_item_tag=self.tag,
            levels=tuple(
                LevelSpec(lv.name, lv.min_score, lv.description)
                for lv in sorted(self.levels.all(), key=lambda lv: (lv.min_score, lv.pk))
            ),
            alignments=tuple(
                a.to_spec() for a in sorted(self.alignments.all(), key=lambda a: a.pk)
            ),
        )


class CriterionLevel(_DraftOnly):
    VERSION_PATH = "criterion__version"
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(max_length=200)
    min_score = models.FloatField(help_text="In points of the criterion.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion", "min_score"]

    def _version(self) -> RubricVersion:
        return self.criterion.version


class CriterionAlignment(_DraftOnly):
    VERSION_PATH = "criterion__version"
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="alignments")
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="+")
    proficiency = models.ForeignKey(
        ProficiencyLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "competence"], name="uniq_criterion_competence"
            )
        ]

    def _version(self) -> RubricVersion:
        return self.criterion.version

    def to_spec(self) -> AlignmentSpec:
        c, p = self.competence, self.proficiency
        return AlignmentSpec(
            framework=str(c.framework),
            code=c.code,
            title=c.title,
            url=c.url,
            proficiency_level=p.name if p else "",
            proficiency_url=p.url if p else "",
        )
