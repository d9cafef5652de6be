"""Pathways: QA-approved rules that award a stacked achievement for holding other credentials,
and the operator-approved links that make two LMS accounts one person (ADR 0065).

A pathway belongs to an institution: the platforms whose institution settings name the same
issuer. Its stacked achievement is a course-less `awarding.Achievement` of its home platform.
Its content (rule, components, competency requirements, window) changes only while it is a
draft; QA submits, another QA person approves (four eyes), then it is put into use.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments.models import Learner
from awarding.models import Achievement
from lti_tool.models import Platform
from rubrics.models import Competence, ProficiencyLevel

from .evaluate import ALL, N_OF


class Pathway(models.Model):
    class Rule(models.TextChoices):
        ALL = ALL, _("All of the components")
        N_OF = N_OF, _("N of the components")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved")
        ACTIVE = "active", _("In use")
        RETIRED = "retired", _("Retired")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The home platform: its institution's issuer signs the stacked credential.
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="pathways")
    achievement = models.OneToOneField(
        Achievement, on_delete=models.PROTECT, related_name="pathway"
    )
    rule = models.CharField(_("rule"), max_length=10, choices=Rule.choices, default=Rule.ALL)
    required_count = models.PositiveIntegerField(
        _("how many components (N)"), null=True, blank=True
    )
    window_days = models.PositiveIntegerField(
        _("within (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Empty: no time limit. Otherwise every credential counted was issued "
            "within this many days of the others."
        ),
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    created_by = models.CharField(max_length=255)
    created_by_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.CharField(max_length=255, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.CharField(max_length=255, blank=True)
    approved_by_name = models.CharField(max_length=255, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Four eyes in the database too: whoever submitted it never approved it.
            models.CheckConstraint(
                condition=Q(approved_by="") | ~Q(approved_by=F("submitted_by")),
                name="pathway_approved_by_another",
            ),
        ]
        indexes = [models.Index(fields=["platform", "state"])]

    def __str__(self) -> str:
        return self.achievement.name

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT


class PathwayComponent(models.Model):
    """One achievement the pathway stacks, optionally at a minimum proficiency level."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="components")
    achievement = models.ForeignKey(
        Achievement, on_delete=models.PROTECT, related_name="pathway_components"
    )
    min_level = models.ForeignKey(
        ProficiencyLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "achievement"], name="uniq_pathway_component"
            )
        ]


class CompetencyRequirement(models.Model):
    """`count` credentials aligned to a competence (or any competence of an area)."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="competencies")
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="+")
    min_level = models.ForeignKey(
        ProficiencyLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    count = models.PositiveIntegerField(default=1)


class AccountLink(models.Model):
    """Two accounts of one person on different platforms of one institution.

    Asked for and approved by staff in the Django admin (each step audited), never inferred
    from a shared e-mail address: an address can be reused, mistyped or shared, and a
    credential must not be stacked onto someone else's record.
    """

    class State(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REMOVED = "removed", _("Removed")

    first = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=20, choices=State.choices, default=State.REQUESTED)
    reason = models.TextField(_("how the person was identified"))
    requested_by = models.CharField(max_length=255)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.CharField(max_length=255, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Stored in one order, so a pair is one row whichever way it was entered.
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="account_link_order"),
            models.UniqueConstraint(
                fields=["first", "second"],
                condition=~Q(state="removed"),
                name="one_account_link_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(state="approved", decided_by=F("requested_by")),
                name="account_link_approved_by_another",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} ⇄ {self.second} ({self.state})"
