"""Forms of the instructor's rubric editor."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from assessments.models import LineItem

from .editing import CriterionDraft, PolicyDraft
from .models import Competence, Criterion, ProficiencyLevel, RubricVersion
from .spec import KEY_RE, LevelSpec

LEVELS_HELP = "One level per line: name | minimum score (points) | description"


class NewRubricForm(forms.Form):
    title = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class VersionForm(forms.Form):
    title = forms.CharField(max_length=300)
    min_weighted_total = forms.FloatField(
        required=False, min_value=0, max_value=100, label="Minimum weighted total (%)"
    )
    min_passed = forms.IntegerField(required=False, min_value=0, label="At least N criteria passed")
    result_choice = forms.ChoiceField(
        choices=RubricVersion.ResultChoice.choices, label="Which result counts"
    )
    window_start = forms.DateTimeField(
        required=False,
        label="Grading window from",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    window_end = forms.DateTimeField(
        required=False,
        label="Grading window until",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def policy(self) -> PolicyDraft:
        d = self.cleaned_data
        return PolicyDraft(
            min_weighted_total=d["min_weighted_total"],
            min_passed=d["min_passed"],
            result_choice=d["result_choice"],
            window_start=d["window_start"],
            window_end=d["window_end"],
        )

    @staticmethod
    def initial_for(version: RubricVersion) -> dict:
        return {name: getattr(version, name) for name in RubricVersion.CONTENT_FIELDS}


class CompetenceChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Competence) -> str:
        return f"{obj.framework} · {obj.code} {obj.title}"


class ProficiencyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProficiencyLevel) -> str:
        return f"{obj.framework} · {obj.name}"


class LineItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: LineItem) -> str:
        return f"{obj.label or obj.url} (max {obj.score_maximum:g})"


def parse_levels(text: str) -> list[LevelSpec]:
    levels = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2 or not parts[0]:
            raise ValidationError(f"Level line {n}: write name | minimum score | description.")
        try:
            minimum = float(parts[1].replace(",", "."))
        except ValueError as exc:
            raise ValidationError(f"Level line {n}: {parts[1]!r} is not a number.") from exc
        levels.append(LevelSpec(parts[0], minimum, " | ".join(parts[2:])))
    return levels


def format_levels(levels) -> str:
    return "\n".join(
        f"{lv.name} | {lv.min_score:g}" + (f" | {lv.description}" if lv.description else "")
        for lv in levels
    )


class CriterionForm(forms.Form):
    key = forms.CharField(max_length=64, help_text="Short id: lower-case letters, digits, - or _")
    title = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    points = forms.FloatField(min_value=0.01, initial=10, help_text="The column's maximum score")
    threshold = forms.FloatField(min_value=0, initial=5)
    # Each select's initial is the option a browser submits for it untouched (the first), so a
    # blank extra criterion form counts as unchanged and is skipped, not validated.
    threshold_unit = forms.ChoiceField(
        choices=Criterion.ThresholdUnit.choices, initial=Criterion.ThresholdUnit.POINTS
    )
    required = forms.BooleanField(required=False, initial=True)
    weight = forms.FloatField(min_value=0, initial=1)
    source = forms.ChoiceField(
        choices=Criterion.Source.choices, initial=Criterion.Source.TOOL, label="Evidence"
    )
    line_item = LineItemChoice(
        queryset=LineItem.objects.none(), required=False, label="Existing column"
    )
    levels = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text=LEVELS_HELP
    )
    competences = CompetenceChoice(
        queryset=Competence.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        label="Aligned competences",
    )
    proficiency = ProficiencyChoice(
        queryset=ProficiencyLevel.objects.none(), required=False, label="Proficiency level"
    )

    def __init__(self, *args, course=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The fields are declared above; self.fields types them all as Field.
        cast(forms.ModelChoiceField, self.fields["line_item"]).queryset = LineItem.objects.filter(
            course=course, deleted_in_lms=False
        ).order_by("label")
        cast(
            forms.ModelChoiceField, self.fields["competences"]
        ).queryset = Competence.objects.filter(kind=Competence.Kind.COMPETENCE).select_related(
            "framework"
        )
        cast(
            forms.ModelChoiceField, self.fields["proficiency"]
        ).queryset = ProficiencyLevel.objects.select_related("framework")

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        if not KEY_RE.match(key):
            raise ValidationError("Use lower-case letters, digits, '-' or '_' (up to 64).")
        return key

    def clean_levels(self) -> list[LevelSpec]:
        return parse_levels(self.cleaned_data.get("levels", ""))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("source") == Criterion.Source.EXISTING and not data.get("line_item"):
            self.add_error("line_item", "Choose the existing column this criterion reads.")
        return data

    def draft(self) -> CriterionDraft:
        d = self.cleaned_data
        return CriterionDraft(
            key=d["key"],
            title=d["title"],
            description=d["description"],
            points=d["points"],
            threshold=d["threshold"],
            threshold_unit=d["threshold_unit"],
            required=d["required"],
            weight=d["weight"],
            source=d["source"],
            line_item_id=d["line_item"].pk if d.get("line_item") else None,
            levels=d["levels"],
            competence_ids=[c.pk for c in d["competences"]],
            proficiency_id=d["proficiency"].pk if d.get("proficiency") else None,
        )

    @staticmethod
    def initial_for(criterion: Criterion) -> dict:
        alignments = list(criterion.alignments.all())
        return {
            "key": criterion.key,
            "title": criterion.title,
            "description": criterion.description,
            "points": criterion.points,
            "threshold": criterion.threshold,
            "threshold_unit": criterion.threshold_unit,
            "required": criterion.required,
            "weight": criterion.weight,
            "source": criterion.source,
            "line_item": criterion.line_item_id if criterion.source == "existing" else None,
            "levels": format_levels(criterion.levels.all()),
            "competences": [a.competence_id for a in alignments],
            "proficiency": next((a.proficiency_id for a in alignments if a.proficiency_id), None),
        }


class BaseCriterionFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        keys = [f.cleaned_data["key"] for f in self.live_forms()]
        if len(keys) != len(set(keys)):
            raise ValidationError("Each criterion needs its own key.")
        if not keys:
            raise ValidationError("Add at least one criterion.")

    def live_forms(self) -> list[CriterionForm]:
        # Unchanged blank extra forms have empty cleaned_data; unchanged saved criteria don't.
        return [
            f
            for f in self.forms
            # BaseFormSet's own test for a ticked DELETE box (private: not in django-stubs).
            if not (self.can_delete and self._should_delete_form(f))  # type: ignore[attr-defined]
            and getattr(f, "cleaned_data", {}).get("key")
        ]


CriterionFormSet = forms.formset_factory(
    CriterionForm,
    formset=BaseCriterionFormSet,
    extra=1,
    can_delete=True,
    max_num=40,
    validate_max=True,
)
