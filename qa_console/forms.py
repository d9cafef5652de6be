"""Forms of the QA console: the review decision, the audit log and decision filters."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from awarding.models import Outcome


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("approve", "Approve"),
            ("reject", "Reject"),
            ("activate", "Activate"),
            ("retire", "Retire"),
        ]
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


class AuditFilterForm(forms.Form):
    actor = forms.CharField(required=False, max_length=300)
    action = forms.CharField(required=False, max_length=100)
    object_type = forms.CharField(required=False, max_length=100)
    object_id = forms.CharField(required=False, max_length=255)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class DecisionFilterForm(forms.Form):
    """QA console filter; choices are limited to what the user may see."""

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
