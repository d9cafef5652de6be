"""Forms of the QA console: the review decision, the audit log and decision filters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from assessments.models import Course
from audit.event_kinds import EVENT_SENTENCES
from awarding.models import Outcome


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("approve", _("Approve")),
            ("reject", _("Reject")),
            ("activate", _("Activate")),
            ("retire", _("Retire")),
        ]
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


def _date(label: Any) -> forms.DateField:  # a lazy translation
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AuditFilterForm(forms.Form):
    """Filters of the audit log, all optional GET parameters; choices are limited to what the
    QA user may see (their platforms' courses and the people in their events)."""

    since = _date(_("From"))
    until = _date(_("Until"))
    kind = forms.ChoiceField(label=_("What happened"), required=False)
    person = forms.ChoiceField(label=_("Who"), required=False)
    course = forms.ModelChoiceField(
        label=_("Course"), required=False, queryset=Course.objects.none(), empty_label=_("Any")
    )
    # Reached from links (an object's own history), not shown as fields.
    object_type = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    object_id = forms.CharField(required=False, max_length=255, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        courses: Any = (),
        people: Iterable[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["course"]).queryset = courses
        kinds = sorted(EVENT_SENTENCES.items(), key=lambda item: str(item[1]))
        kind_choices: list[tuple[str, Any]] = [("", _("Anything"))]
        kind_choices += [(kind, capfirst(str(sentence))) for kind, sentence in kinds]
        cast(forms.ChoiceField, self.fields["kind"]).choices = kind_choices
        person_choices: list[tuple[str, Any]] = [("", _("Anyone"))]
        person_choices += sorted(people, key=lambda item: item[1].casefold())
        cast(forms.ChoiceField, self.fields["person"]).choices = person_choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("“From” is after “Until”."))
        return data


class DecisionFilterForm(forms.Form):
    """QA console filter; choices are limited to what the user may see."""

    since = _date(_("From"))
    until = _date(_("Until"))
    learner = forms.CharField(label=_("Learner (name or e-mail)"), required=False, max_length=200)
    course = forms.TypedChoiceField(label=_("Course"), required=False, coerce=int, empty_value=None)
    achievement = forms.TypedChoiceField(
        label=_("Achievement"), required=False, coerce=int, empty_value=None
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("Any")), *Outcome.choices]
    )

    def __init__(
        self, *args: Any, courses: Any = (), achievements: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Declared above as choice fields; self.fields types them all as Field.
        cast(forms.ChoiceField, self.fields["course"]).choices = [("", _("Any"))] + [
            (c.pk, str(c)) for c in courses
        ]
        cast(forms.ChoiceField, self.fields["achievement"]).choices = [("", _("Any"))] + [
            (a.pk, str(a)) for a in achievements
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("“From” is after “Until”."))
        return data
