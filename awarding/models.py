"""What is awarded, by which rule, what was decided for whom, and the award it led to.

Decisions are append-only. An award is *live* until a person revokes it; a database
constraint (not a check-then-insert) guarantees one live award per learner and achievement,
so concurrent evaluations can never issue two credentials.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from assessments.models import Course, Learner
from lti_tool.models import Platform


class AchievementType(models.TextChoices):
    """A subset of the Open Badges 3.0 `achievementType` vocabulary."""

    BADGE = "Badge", _("Badge")
    MICRO_CREDENTIAL = "MicroCredential", _("Micro-credential")
    CERTIFICATE = "Certificate", _("Certificate")
    CERTIFICATE_OF_COMPLETION = "CertificateOfCompletion", _("Certificate of completion")
    COMPETENCY = "Competency", _("Competency")
    COURSE = "Course", _("Course")
    ASSESSMENT = "Assessment", _("Assessment")
    AWARD = "Award", _("Award")
    ACHIEVEMENT = "Achievement", _("Achievement")


class Achievement(models.Model):
    """What a learner earns. Owned by a course, or shared by a platform (course empty)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="achievements")
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="achievements",
        help_text=_("Empty: shared by every course of the institution."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    criteria_narrative = models.TextField(
        _("criteria"), help_text=_("What a learner must show to earn it, in plain words.")
    )
    image = models.ImageField(
        _("image"),
        upload_to="achievements/",
        blank=True,
        help_text=_("Leave empty to use a generated image."),
    )
    achievement_type = models.CharField(
        _("type"), max_length=40, choices=AchievementType.choices, default=AchievementType.BADGE
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    validity_days = models.PositiveIntegerField(
        _("valid for (days)"),
        null=True,
        blank=True,
        help_text=_("Empty: the credential does not expire."),
    )
    # The language its name, description and criteria were written in (a BCP 47 code): the
    # page's language when it was created (ADR 0063). Credentials tag them with it
    # (`inLanguage`); "" for achievements made before the site spoke several languages.
    language = models.CharField(max_length=20, blank=True, default="")
    created_by_sub = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["platform", "course"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every way an achievement is made (setup form, placement picker, demo seed) writes in
        # the language its page speaks; outside a request that is the default language.
        if self._state.adding and not self.language:
            self.language = written_language()
        super().save(*args, **kwargs)


def written_language() -> str:
    """The active language as a BCP 47 primary tag (`de`, `es`, `en`)."""
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()


class AwardingRule(models.Model):
    """Course + achievement + rubric: the rubric's *active* version is what is evaluated."""

    class Mode(models.TextChoices):
        AUTOMATIC = "automatic", _("Issue automatically")
        HOLD = "hold", _("Hold for instructor confirmation")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="awarding_rules")
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="rules")
    rubric = models.ForeignKey(
        "rubrics.Rubric", on_delete=models.PROTECT, related_name="awarding_rules"
    )
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.AUTOMATIC)
    # Off by default: an AGS line item is an ordinary grade item, so in Moodle a credential
    # column would count toward every learner's course total (AGS cannot say otherwise). The
    # instructor opts in on the setup page, which says how to exclude the column there.
    gradebook_column = models.BooleanField(
        _("credential column in the LMS gradebook"),
        default=False,
        help_text=_("Post 1/1 to a credential column for every learner who earns it."),
    )
    active = models.BooleanField(default=True)
    created_by_sub = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course", "achievement"],
                condition=Q(active=True),
                name="uniq_active_rule_per_course_achievement",
            )
        ]

    def __str__(self) -> str:
        return f"{self.achievement} in {self.course}"


class Outcome(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    INSUFFICIENT_EVIDENCE = "insufficient_evidence", _("Insufficient evidence")


class AppendOnlyError(Exception):
    """Raised on an attempt to change or delete an append-only record."""


class Decision(models.Model):
    """One evaluation of one learner against one rule version: never changed, never deleted."""

    rule = models.ForeignKey(AwardingRule, on_delete=models.PROTECT, related_name="decisions")
    # Denormalised from the rule so QA filters and course scoping need no join.
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="decisions")
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="decisions")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="decisions")
    rubric_version = models.ForeignKey(
        "rubrics.RubricVersion", on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    # The observations exactly as evaluated: criterion key -> list of observation dicts.
    evidence = models.JSONField(default=dict)
    # rubrics.evaluate.Decision.to_dict(): per-criterion score, threshold, level, passed.
    result = models.JSONField(default=dict)
    trigger = models.CharField(max_length=40, default="sync")
    decided_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["course", "-decided_at"]),
            models.Index(fields=["learner", "achievement", "-decided_at"]),
        ]

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Decisions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Decisions are append-only.")


class Award(models.Model):
    """The one live award of an achievement to a learner, and how far its issuance got.

    `uuid` is reserved before signing and becomes the credential's id, so a retry after a
    crash between signing and storing issues the very same credential, never a second one.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Being issued")
        HELD = "held", _("Waiting for instructor confirmation")
        ISSUED = "issued", _("Issued")
        FLAGGED = "flagged", _("Flagged for review")
        REVOKED = "revoked", _("Revoked")

    class PostbackState(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        PENDING = "pending", _("Pending")
        POSTED = "posted", _("Posted to the LMS")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Failed")
        NOT_POSSIBLE = "not_possible", _("Not possible (no grade service)")
        OFF = "off", _("Off (no credential column)")
        CLEARED = "cleared", _("Cleared in the LMS (revoked)")

    class Basis(models.TextChoices):
        """Why the learner holds it (ADR 0064): a rubric threshold met on LMS grades, a review
        by QA (a manual award or recognition of prior learning), or a pathway's components."""

        GRADE = "grade", _("Rubric threshold met")
        REVIEW = "review", _("Awarded by review")
        PATHWAY = "pathway", _("Earned through a pathway")

    LIVE_STATES = (State.PENDING, State.HELD, State.ISSUED, State.FLAGGED)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    basis = models.CharField(max_length=20, choices=Basis.choices, default=Basis.GRADE)
    # Set for a grade award only (a check constraint below says which basis needs what).
    rule = models.ForeignKey(
        AwardingRule, on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )
    # Empty for a pathway's stacked award: it belongs to the institution, not to one course.
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="awards")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="awards")
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
        help_text=_("The decision that made this award."),
    )
    # A non-grade award's evidence, fixed when it was granted and signed into the credential:
    # [{"id": url, "name": str, "narrative": str, "genre": str}, ...].
    evidence_items = models.JSONField(default=list, blank=True)
    # A pathway's stacked award: the component awards it stacks (credential references them).
    components = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="stacked_into"
    )
    # A review award: who reviewed it and why it was granted (the credential says so too).
    reviewed_by = models.CharField(max_length=255, blank=True)
    review_note = models.TextField(blank=True)
    credential = models.OneToOneField(
        "credentials.Credential",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award",
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    # A later decision that no longer meets the rule: QA compares both snapshots.
    flag_decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flagged_awards",
    )
    flag_reason = models.TextField(blank=True)
    flagged_at = models.DateTimeField(null=True, blank=True)
    # Why the last attempt to sign failed (the award stays pending and is retried).
    issue_error = models.TextField(blank=True)
    postback_state = models.CharField(
        max_length=20, choices=PostbackState.choices, default=PostbackState.NOT_STARTED
    )
    postback_attempts = models.PositiveIntegerField(default=0)
    postback_error = models.TextField(blank=True)
    postback_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.CharField(max_length=255, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.CharField(max_length=255, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "achievement"],
                condition=~Q(state="revoked"),
                name="one_live_award_per_learner_achievement",
            ),
            models.CheckConstraint(
                condition=~Q(basis="grade")
                | Q(rule__isnull=False, decision__isnull=False, course__isnull=False),
                name="grade_award_has_rule_decision_course",
            ),
            models.CheckConstraint(
                condition=~Q(basis="review") | Q(course__isnull=False),
                name="review_award_has_course",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "state"]),
            models.Index(fields=["state", "postback_state"]),
        ]

    def __str__(self) -> str:
        return f"{self.achievement} → {self.learner} ({self.state})"

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE_STATES

    @property
    def home_platform_id(self) -> int:
        """The platform whose institution issues it: its course's, or (for a course-less
        pathway award) its achievement's."""
        if self.course is not None:
            return self.course.platform_id
        return self.achievement.platform_id


class InstitutionSetting(models.Model):
    """Per platform (institution): which issuer signs, and what credentials and pages show."""

    platform = models.OneToOneField(
        Platform, on_delete=models.CASCADE, related_name="institution_setting"
    )
    issuer = models.ForeignKey(
        "credentials.Issuer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty: an issuer named after the platform is created on first use."),
    )
    show_learner_names = models.BooleanField(_("show learner names in credentials"), default=True)
    show_grader_comments = models.BooleanField(
        _("show grader comments on evidence pages"), default=False
    )

    class Confirmers(models.TextChoices):
        QA = "qa", _("Quality assurance only")
        QA_OR_COLLEAGUE = (
            "qa_or_colleague",
            _("Quality assurance, or another instructor of the course"),
        )

    status_change_confirmers = models.CharField(
        _("who confirms a revocation or suspension"),
        max_length=20,
        choices=Confirmers.choices,
        default=Confirmers.QA,
        help_text=_("Never the person who asked for it."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Settings of {self.platform.name}"


# Endorsements live in their own module (ADR 0066); importing them here is how Django finds
# them (and `from awarding.models import Endorsement` works like for every other model).
from .endorsement_models import Endorsement as Endorsement  # noqa: E402
from .endorsement_models import Endorser as Endorser  # noqa: E402
from .notification_models import Notification as Notification  # noqa: E402
from .review_models import AwardProposal as AwardProposal  # noqa: E402
from .review_models import BulkUpload as BulkUpload  # noqa: E402
from .status_change_models import StatusChange as StatusChange  # noqa: E402
