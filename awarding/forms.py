"""Forms of the awarding pages (validation lives here, views stay thin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from credentials.models import StatusCategory

from .models import Achievement, AwardingRule, StatusChange

MAX_TAGS = 20


class AchievementForm(forms.ModelForm):
    """Step 1 of the guided setup: what the course awards."""

    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas, e.g. digital skills, data literacy."),
    )

    class Meta:
        model = Achievement
        fields = [
            "name",
            "achievement_type",
            "description",
            "criteria_narrative",
            "image",
            "validity_days",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "criteria_narrative": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("tags", ", ".join(self.instance.tags or []))

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        tags: list[str] = []
        for part in raw.split(","):
            tag = " ".join(part.split())
            if tag and tag.casefold() not in {t.casefold() for t in tags}:
                if len(tag) > 60:
                    raise forms.ValidationError(_("A tag can be at most 60 characters long."))
                tags.append(tag)
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(_("At most %(n)d tags, please.") % {"n": MAX_TAGS})
        return tags

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if image and getattr(image, "size", 0) > 2_000_000:
            raise forms.ValidationError(_("The image must be smaller than 2 MB."))
        return image

    def save(self, commit: bool = True) -> Achievement:
        self.instance.tags = self.cleaned_data["tags"]
        return super().save(commit=commit)


class ReasonForm(forms.Form):
    """Revoking needs a reason: it is shown to the learner and kept in the audit log; the
    public sees the category only."""

    reason = forms.CharField(
        label=_("Reason"),
        min_length=5,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"min_length": _("Give a reason of at least 5 characters.")},
    )

    # What the public verification page shows instead of the reason (QA's direct revocation
    # of a flagged award; "Other" when a form does not ask).
    category = forms.ChoiceField(
        label=_("Reason the public page shows"),
        choices=StatusCategory.choices,
        required=False,
    )

    def clean_category(self) -> str:
        return self.cleaned_data.get("category") or StatusCategory.OTHER

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < 5:
            raise forms.ValidationError(_("Give a reason of at least 5 characters."))
        return reason


class StatusChangeRequestForm(forms.Form):
    """Asking to revoke, suspend or reinstate: the learner's reason and the public category."""

    private_reason = forms.CharField(
        label=_("Reason for the learner"),
        help_text=_(
            "The learner reads this on their page and in their notification. The public "
            "verification page never shows it."
        ),
        min_length=5,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"min_length": _("Give a reason of at least 5 characters.")},
    )
    public_category = forms.ChoiceField(
        label=_("Reason the public page shows"),
        help_text=_("Anyone verifying the credential sees only this."),
        choices=StatusCategory.choices,
    )

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if action == StatusChange.Action.REINSTATE:
            # A reinstated credential is simply valid again: nothing to say in public.
            del self.fields["public_category"]

    def clean_private_reason(self) -> str:
        reason = " ".join(self.cleaned_data["private_reason"].split())
        if len(reason) < 5:
            raise forms.ValidationError(_("Give a reason of at least 5 characters."))
        return reason


class DeclineForm(forms.Form):
    note = forms.CharField(
        label=_("Why not (for the person who asked)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RuleModeForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("When a learner meets the rubric"), choices=AwardingRule.Mode.choices
    )


class GradebookColumnForm(forms.Form):
    """The instructor's opt-in to a credential column in the LMS gradebook (off by default)."""

    gradebook_column = forms.BooleanField(
        label=_("Post a credential column to the LMS gradebook"), required=False
    )


class PrivacyForm(forms.Form):
    """The learner's switch for the public page of one credential."""

    is_public = forms.TypedChoiceField(
        label=_("Public page"),
        choices=[("1", _("Public")), ("0", _("Private"))],
        coerce=lambda value: value == "1",
    )
