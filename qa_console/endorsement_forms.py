"""Forms of the QA console's endorsement page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from awarding.endorsements import MAX_ENDORSEMENT_BYTES
from awarding.models import Achievement


class EndorseForm(forms.Form):
    """QA endorses one of its institutions' achievements, in its own words."""

    achievement: forms.ModelChoiceField[Achievement] = forms.ModelChoiceField(
        queryset=Achievement.objects.none(), label=_("Credential to endorse")
    )
    comment = forms.CharField(
        label=_("What you endorse about it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args: Any, achievements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["achievement"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = achievements


class SubmitForm(forms.Form):
    """An outside organisation's signed endorsement, pasted or uploaded."""

    document = forms.CharField(
        label=_("The signed endorsement (JSON)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    file = forms.FileField(label=_("…or its file (.json)"), required=False)

    def text(self) -> str:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            raw = upload.read(MAX_ENDORSEMENT_BYTES + 1)
            return raw.decode("utf-8", errors="replace")
        return str(self.cleaned_data.get("document") or "")


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=2000)


class RegisterEndorserForm(forms.Form):
    """An operator registers an outside organisation by its did:web."""

    did = forms.CharField(
        label=_("Its did:web identifier"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "did:web:example.org"}),
    )
    name = forms.CharField(label=_("Its name"), max_length=200)
