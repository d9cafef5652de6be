"""Forms of the instructor's rubric editor.

Server-side formsets are the truth: the page works without script (one blank criterion card
and one blank level row are always offered; a blank one is ignored). editor.js only adds
and removes cards and rows and checks fields as they are typed, with the same rules.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import LineItem

from .editing import CriterionDraft, PolicyDraft
from .keys import assign_keys
from .models import Competence, Criterion, ProficiencyLevel, RubricVersion
from .spec import KEY_RE, LevelSpec


class NewRubricForm(forms.Form):
    title = forms.CharField(max_length=300, label=gettext_lazy("Title"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=gettext_lazy("Description"),
    )


class VersionForm(forms.Form):
    title = forms.CharField(max_length=300, label=gettext_lazy("Rubric title"))
    min_weighted_total = forms.FloatField(
        required=False,
        min_value=0,
        max_value=100,
        label=gettext_lazy("Also require a weighted total of at least (%)"),
        help_text=gettext_lazy("Leave empty for no minimum."),
    )
    min_passed = forms.IntegerField(
        required=False,
        min_value=0,
        label=gettext_lazy("Also require at least this many criteria reached"),
        help_text=gettext_lazy("Leave empty for no minimum."),
    )
    result_choice = forms.ChoiceField(
        choices=RubricVersion.ResultChoice.choices,
        label=gettext_lazy("When a learner was graded more than once, count"),
    )
    window_start = forms.DateTimeField(
        required=False,
        label=gettext_lazy("Count grades given from"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    window_end = forms.DateTimeField(
        required=False,
        label=gettext_lazy("Count grades given until"),
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


class ProficiencyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProficiencyLevel) -> str:
        return f"{obj.name}: {obj.description}"


class LineItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: LineItem) -> str:
        return _("%(label)s (out of %(max)s)") % {
            "label": obj.label or obj.url,
            "max": f"{obj.score_maximum:g}",
        }


class LevelForm(forms.Form):
    name = forms.CharField(max_length=200, required=False, label=gettext_lazy("Level name"))
    min_score = forms.FloatField(required=False, min_value=0, label=gettext_lazy("From (points)"))
    description = forms.CharField(
        max_length=1000, required=False, label=gettext_lazy("What it looks like")
    )

    def is_blank(self) -> bool:
        d = getattr(self, "cleaned_data", {})
        return not (d.get("name") or d.get("description")) and d.get("min_score") is None

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if self.is_blank():
            return d
        if not (d.get("name") or "").strip() and "name" not in self.errors:
            self.add_error("name", _("Give this level a name."))
        if d.get("min_score") is None and "min_score" not in self.errors:
            self.add_error("min_score", _("Give the score this level starts at."))
        return d


LevelFormSet = forms.formset_factory(LevelForm, extra=1, can_delete=True, max_num=12)


class CriterionForm(forms.Form):
    # Hidden: made from the name when the criterion is first saved, then kept (it names the
    # criterion's gradebook column tag and evidence).
    key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    title = forms.CharField(max_length=300, required=False, label=gettext_lazy("Criterion name"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=gettext_lazy("What the learner shows (optional)"),
    )
    points = forms.FloatField(
        min_value=0.01,
        initial=10,
        label=gettext_lazy("Maximum points"),
        help_text=gettext_lazy("The gradebook column's maximum score."),
    )
    threshold = forms.FloatField(min_value=0, initial=5, label=gettext_lazy("Pass mark"))
    threshold_unit = forms.ChoiceField(
        choices=Criterion.ThresholdUnit.choices,
        initial=Criterion.ThresholdUnit.POINTS,
        label=gettext_lazy("Pass mark in"),
    )
    required = forms.BooleanField(
        required=False, initial=True, label=gettext_lazy("Learners must reach this criterion")
    )
    weight = forms.FloatField(
        min_value=0,
        initial=1,
        label=gettext_lazy("Weight in the total"),
        help_text=gettext_lazy("Only matters when a minimum weighted total is set."),
    )
    source = forms.ChoiceField(
        choices=Criterion.Source.choices,
        initial=Criterion.Source.TOOL,
        label=gettext_lazy("Where the grade comes from"),
    )
    line_item = LineItemChoice(
        queryset=LineItem.objects.none(),
        required=False,
        label=gettext_lazy("Existing gradebook column"),
    )
    competences = forms.ModelMultipleChoiceField(
        queryset=Competence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("DigComp competences shown"),
    )
    proficiency = ProficiencyChoice(
        queryset=ProficiencyLevel.objects.none(),
        required=False,
        label=gettext_lazy("Proficiency level"),
    )

    def __init__(self, *args, course=None, levels_initial=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The fields are declared above; self.fields types them all as Field.
        cast(forms.ModelChoiceField, self.fields["line_item"]).queryset = LineItem.objects.filter(
            course=course, deleted_in_lms=False
        ).order_by("label")
        cast(
            forms.ModelChoiceField, self.fields["competences"]
        ).queryset = Competence.objects.filter(kind=Competence.Kind.COMPETENCE).select_related(
            "framework", "parent"
        )
        cast(
            forms.ModelChoiceField, self.fields["proficiency"]
        ).queryset = ProficiencyLevel.objects.select_related("framework")
        self.levels = LevelFormSet(
            self.data if self.is_bound else None,
            initial=levels_initial or [],
            prefix=f"{self.prefix}-levels",
        )

    def _typed(self, name: str) -> str:
        return str(self.data.get(self.add_prefix(name), "") or "").strip()

    def has_changed(self) -> bool:
        """A card without a name, description or level counts as blank: its other fields
        carry the defaults the browser submits, and a blank card is ignored, not refused."""
        if not self.is_bound:
            return False
        if self._typed("key") or self._typed("title") or self._typed("description"):
            return True
        return any(
            str(self.data.get(f"{lf.prefix}-{name}", "") or "").strip()
            for lf in self.levels
            for name in ("name", "description")
        )

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not self.cleaned_data or not self.has_changed():
            return valid
        return self.levels.is_valid() and valid

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        if key and not KEY_RE.match(key):
            raise ValidationError(_("This criterion's key is damaged; reload the page."))
        return key

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if not (d.get("title") or "").strip():
            self.add_error("title", _("Give the criterion a name."))
        if d.get("source") == Criterion.Source.EXISTING and not d.get("line_item"):
            self.add_error("line_item", _("Choose the existing column this criterion reads."))
        points, threshold = d.get("points"), d.get("threshold")
        if points is not None and threshold is not None:
            top = 100.0 if d.get("threshold_unit") == Criterion.ThresholdUnit.PERCENT else points
            if threshold > top:
                self.add_error(
                    "threshold",
                    _("The pass mark must be between 0 and %(top)s.") % {"top": f"{top:g}"},
                )
        self._check_levels(points)
        return d

    def _check_levels(self, points: float | None) -> None:
        if not self.levels.is_valid():
            return
        names: set[str] = set()
        for lf in self._live_levels():
            name, minimum = lf.cleaned_data["name"].strip(), lf.cleaned_data["min_score"]
            if name in names:
                lf.add_error("name", _("Another level already has this name."))
            names.add(name)
            if points is not None and minimum > points:
                lf.add_error(
                    "min_score",
                    _("A level starts between 0 and the maximum (%(points)s points).")
                    % {"points": f"{points:g}"},
                )
        # A removed row's errors do not count (it is not saved).
        if any(lf.errors for lf in self.levels if not lf.cleaned_data.get("DELETE")):
            self.add_error(None, _("Check this criterion's levels."))

    def _live_levels(self) -> list[LevelForm]:
        return [lf for lf in self.levels if not lf.cleaned_data.get("DELETE") and not lf.is_blank()]

    def competence_groups(self) -> list[tuple[str, list]]:
        """The checkboxes grouped by the framework's areas (the DigComp tree)."""
        field = cast(forms.ModelMultipleChoiceField, self.fields["competences"])
        area_of = {
            c.pk: f"{c.framework.name} {c.parent.code} {c.parent.title}"
            if c.parent
            else c.framework.name
            for c in field.queryset or ()
        }
        groups: dict[str, list] = {}
        for box in self["competences"]:
            groups.setdefault(area_of.get(int(str(box.data["value"])), ""), []).append(box)
        return list(groups.items())

    def draft(self) -> CriterionDraft:
        d = self.cleaned_data
        levels = [
            LevelSpec(
                lf.cleaned_data["name"].strip(),
                lf.cleaned_data["min_score"],
                lf.cleaned_data["description"],
            )
            for lf in self._live_levels()
        ]
        return CriterionDraft(
            key=d["key"],
            title=d["title"].strip(),
            description=d["description"],
            points=d["points"],
            threshold=d["threshold"],
            threshold_unit=d["threshold_unit"],
            required=d["required"],
            weight=d["weight"],
            source=d["source"],
            line_item_id=d["line_item"].pk if d.get("line_item") else None,
            levels=sorted(levels, key=lambda lv: lv.min_score),
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
            "competences": [a.competence_id for a in alignments],
            "proficiency": next((a.proficiency_id for a in alignments if a.proficiency_id), None),
        }

    @staticmethod
    def levels_initial(criterion: Criterion) -> list[dict]:
        return [
            {"name": lv.name, "min_score": lv.min_score, "description": lv.description}
            for lv in criterion.levels.all()
        ]


class BaseCriterionFormSet(forms.BaseFormSet):
    def __init__(self, *args, levels_initial=None, **kwargs) -> None:
        self._levels_initial = levels_initial or []
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self._levels_initial):
            kwargs["levels_initial"] = self._levels_initial[index]
        return kwargs

    def clean(self) -> None:
        if any(self.errors):
            return
        live = self.live_forms()
        if not live:
            raise ValidationError(_("Add at least one criterion: give it a name."))
        keys = assign_keys([(f.cleaned_data["title"], f.cleaned_data["key"]) for f in live])
        if len(keys) != len(set(keys)):
            raise ValidationError(_("Two criteria share a key; reload the page."))
        for form, key in zip(live, keys, strict=True):
            form.cleaned_data["key"] = key

    def live_forms(self) -> list[CriterionForm]:
        """The criteria to keep, in the order chosen (blank and removed cards left out)."""
        forms_ = [
            cast(CriterionForm, f)
            for f in self.forms
            # BaseFormSet's own test for a ticked DELETE box (private: not in django-stubs).
            if not (self.can_delete and self._should_delete_form(f))  # type: ignore[attr-defined]
            and f.has_changed()
        ]
        if self.can_order:
            # Cards carry their position (the move buttons rewrite it); ties keep page order.
            forms_.sort(
                key=lambda f: (
                    f.cleaned_data.get("ORDER") is None,
                    f.cleaned_data.get("ORDER") or 0,
                )
            )
        return forms_


# formset_factory returns the class it made from `formset` (the stubs say BaseFormSet).
CriterionFormSet = cast(
    type[BaseCriterionFormSet],
    forms.formset_factory(
        CriterionForm,
        formset=BaseCriterionFormSet,
        extra=1,
        can_delete=True,
        can_order=True,
        max_num=40,
        validate_max=True,
    ),
)
