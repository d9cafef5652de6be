"""Forms of the sandbox's own pages."""

from __future__ import annotations

from django import forms

from .models import FaultSwitch


class FaultForm(forms.Form):
    kind = forms.ChoiceField(choices=FaultSwitch.Kind.choices)
    target = forms.ChoiceField(choices=FaultSwitch.Target.choices, initial="any")
    times = forms.IntegerField(min_value=1, max_value=1000, initial=1)
    retry_after = forms.IntegerField(min_value=0, max_value=3600, initial=1)
    delay_seconds = forms.FloatField(min_value=0, max_value=120, initial=2.0)


class RegistrationStartForm(forms.Form):
    registration_url = forms.URLField(
        label="Tool registration URL", max_length=500, assume_scheme="https"
    )


class ConcludeForm(forms.Form):
    concluded = forms.BooleanField(required=False)
    status = forms.TypedChoiceField(
        choices=[(422, "422 (flag on)"), (404, "404 (flag off)")], coerce=int, initial=422
    )
