"""Forms of the pathway pages in the QA console: the pathway itself, a component, a
competency requirement. Choices are limited to what the QA user's institution holds."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from awarding.models import Achievement
from lti_tool.models import Platform
from rubrics.models import Competence, ProficiencyLevel

from .models import Pathway


def _level_label(level: ProficiencyLevel) -> str:
    return f"{level.framework} — {level.name}"


class PathwayForm(forms.Form):
    name = forms.CharField(label=_("Name of the stacked credential"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    criteria_narrative = forms.CharField(
        label=_("Criteria, in plain words"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    rule = forms.ChoiceField(label=_("Rule"), choices=Pathway.Rule.choices)
    required_count = forms.IntegerField(
        label=_("How many components (for “N of the components”)"),
        min_value=1,
        required=False,
    )
    window_days = forms.IntegerField(
        label=_("All issued within (days; empty: no limit)"), min_value=1, required=False
    )


class NewPathwayForm(PathwayForm):
    platform = forms.ModelChoiceField(
        label=_("Institution (its issuer signs the credential)"), queryset=Platform.objects.none()
    )
    field_order = ["platform"]

    def __init__(self, *args: Any, platforms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["platform"]).queryset = platforms


class _LevelField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _level_label(obj)


class _AchievementField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.course})" if obj.course_id else obj.name


def _levels() -> _LevelField:
    return _LevelField(
        label=_("At least this level"),
        queryset=ProficiencyLevel.objects.select_related("framework").order_by(
            "framework__name", "position"
        ),
        required=False,
        empty_label=_("Any level"),
    )


class ComponentForm(forms.Form):
    achievement = _AchievementField(label=_("Credential"), queryset=Achievement.objects.none())
    min_level = _levels()

    def __init__(self, *args: Any, achievements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["achievement"]).queryset = achievements


class CompetencyForm(forms.Form):
    competence = forms.ModelChoiceField(
        label=_("Competence or area"),
        queryset=Competence.objects.select_related("framework").order_by(
            "framework__name", "position"
        ),
    )
    min_level = _levels()
    count = forms.IntegerField(label=_("How many credentials"), min_value=1, initial=1)
