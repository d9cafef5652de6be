"""Forms of awards outside the grade path: an instructor's proposal, and a bulk CSV upload
(validation of the file itself is in awarding.evidence_files and awarding.bulk_csv)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from assessments.models import Course, Learner

from .award_proposals import MIN_REASON, course_achievements, enrolled_learners
from .bulk_csv import MAX_BYTES, is_https_url
from .evidence_files import max_bytes
from .models import Achievement
from .review_models import AwardProposal, BulkUpload


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        ident = obj.lis_person_sourcedid or obj.sub
        return f"{obj.name} ({ident})" if obj.name else ident


class ProposalForm(forms.Form):
    # Both querysets are the course's own, set in __init__.
    learner = _PersonChoice(label=_("Learner"), queryset=Learner.objects.none())
    achievement = forms.ModelChoiceField(label=_("Credential"), queryset=Achievement.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=AwardProposal.Kind.choices)
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "Written into the signed credential, which its holder may share: say what was "
            "reviewed and why it meets the criteria, nothing private."
        ),
        min_length=MIN_REASON,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence_url = forms.CharField(
        label=_("Evidence link"),
        help_text=_("An https:// address (a portfolio, a certificate). It is not fetched."),
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        help_text=_("PDF, PNG or JPEG. Kept private unless you allow it below."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    evidence_shareable = forms.BooleanField(
        label=_("The file may be public as the credential's evidence"),
        help_text=_(
            "Otherwise only the learner, the course's instructors and quality assurance can "
            "open it."
        ),
        required=False,
    )

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        learner_field = self.fields["learner"]
        achievement_field = self.fields["achievement"]
        assert isinstance(learner_field, forms.ModelChoiceField)
        assert isinstance(achievement_field, forms.ModelChoiceField)
        learner_field.queryset = enrolled_learners(course)
        achievement_field.queryset = course_achievements(course)

    def clean_evidence_url(self) -> str:
        url = str(self.cleaned_data.get("evidence_url") or "").strip()
        if url and not is_https_url(url):
            raise forms.ValidationError(_("Give a full https:// address."))
        return url

    def clean_evidence_file(self) -> Any:
        upload = self.cleaned_data.get("evidence_file")
        if upload and upload.size > max_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": max_bytes() // (1024 * 1024)}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("evidence_url") and not data.get("evidence_file") and not self.errors:
            raise forms.ValidationError(_("Give evidence: a link, a file, or both."))
        return data


class BulkUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to do"), choices=BulkUpload.Kind.choices)
    # The courses of the person's institutions, set in __init__.
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 (with or without a byte order mark), at most %(kb)d KB.")
        % {"kb": MAX_BYTES // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, courses: QuerySet[Course], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        course_field = self.fields["course"]
        assert isinstance(course_field, forms.ModelChoiceField)
        course_field.queryset = courses

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(kb)d KB: split it.") % {"kb": MAX_BYTES // 1024}
            )
        return upload


class BulkPrepareForm(forms.Form):
    """An instructor's CSV for their own course: previewed here, applied by QA."""

    kind = forms.ChoiceField(label=_("What to do"), choices=BulkUpload.Kind.choices)
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 (with or without a byte order mark), at most %(kb)d KB.")
        % {"kb": MAX_BYTES // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(kb)d KB: split it.") % {"kb": MAX_BYTES // 1024}
            )
        return upload
