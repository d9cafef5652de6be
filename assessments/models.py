"""The local mirror of what the LMS knows: courses, people, enrolments, line items, results.

Results are evidence: a change is kept as a new ResultRevision, nothing is overwritten
without its previous content surviving, and nothing is deleted when a learner leaves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from lti_tool.models import Platform

if TYPE_CHECKING:
    from lti_tool.platforms.rate_limit import RateGauge


class Course(models.Model):
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="courses")
    deployment_id = models.CharField(max_length=255, blank=True)
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=500, blank=True)
    label = models.CharField(max_length=255, blank=True)
    # Service endpoints and scopes from the latest verified launch (never from a request).
    lineitems_url = models.URLField(max_length=1000, blank=True)
    ags_scopes = models.JSONField(default=list, blank=True)
    memberships_url = models.URLField(max_length=1000, blank=True)
    concluded = models.BooleanField(default=False)
    concluded_at = models.DateTimeField(null=True, blank=True)
    end_date = models.DateTimeField(null=True, blank=True)
    sync_enabled = models.BooleanField(default=True)
    last_launch_at = models.DateTimeField(null=True, blank=True)
    # The periodic sync's backoff (assessments.sync_schedule): syncs in a row that found no
    # change, and when the next periodic sync is due (empty: at the next dispatch).
    quiet_syncs = models.PositiveIntegerField(default=0)
    next_sync_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "context_id"], name="uniq_course_context")
        ]

    def __str__(self) -> str:
        return self.title or self.context_id


class Learner(models.Model):
    """A person on a platform (learners and staff alike), identified by the LTI `sub`."""

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="people")
    sub = models.CharField(max_length=255)
    name = models.CharField(max_length=500, blank=True)
    given_name = models.CharField(max_length=255, blank=True)
    family_name = models.CharField(max_length=255, blank=True)
    email = models.EmailField(max_length=320, blank=True)
    lis_person_sourcedid = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "sub"], name="uniq_learner_sub")]

    def __str__(self) -> str:
        return self.name or self.sub


class Enrolment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="enrolments")
    roles = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "learner"], name="uniq_enrolment")]


class LineItem(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="line_items")
    url = models.URLField(max_length=1000, help_text="The line item's id: its URL in the LMS.")
    label = models.CharField(max_length=500, blank=True)
    score_maximum = models.FloatField(default=100)
    resource_id = models.CharField(max_length=255, blank=True)
    tag = models.CharField(max_length=255, blank=True)
    resource_link_id = models.CharField(max_length=255, blank=True)
    created_by_tool = models.BooleanField(default=False)
    deleted_in_lms = models.BooleanField(default=False)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "url"], name="uniq_lineitem_url")]
        indexes = [models.Index(fields=["course", "tag"])]

    def __str__(self) -> str:
        return self.label or self.url


class Result(models.Model):
    """The current state of one learner's result on one line item, as last fetched."""

    # No index of its own: uniq_result's (line_item, learner) serves every lookup by line
    # item, and each index is one more insertion per stored result.
    line_item = models.ForeignKey(
        LineItem, on_delete=models.CASCADE, related_name="results", db_index=False
    )
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="results")
    score = models.FloatField(null=True, blank=True)
    maximum = models.FloatField(null=True, blank=True)
    comment = models.TextField(blank=True)
    lms_timestamp = models.DateTimeField(null=True, blank=True)
    raw = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64)
    fetched_at = models.DateTimeField()
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["line_item", "learner"], name="uniq_result")]


class ResultRevision(models.Model):
    """Append-only history of every content a result has had."""

    # uniq_result_revision's (result, number) serves every lookup by result (as above).
    # No foreign-key constraint in the database (ADR 0087): a revision is only ever written
    # from its result's row in the same statement or transaction (`results_store`), and
    # PROTECT keeps the ORM from deleting a result that has revisions, which every result
    # has. Checking 100,000 such keys at commit was a fifth of a first sync's writes.
    result = models.ForeignKey(
        Result,
        on_delete=models.PROTECT,
        related_name="revisions",
        db_index=False,
        db_constraint=False,
    )
    number = models.PositiveIntegerField()
    score = models.FloatField(null=True, blank=True)
    maximum = models.FloatField(null=True, blank=True)
    comment = models.TextField(blank=True)
    lms_timestamp = models.DateTimeField(null=True, blank=True)
    raw = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64)
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["result", "number"], name="uniq_result_revision")
        ]


class SyncRun(models.Model):
    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CONCLUDED = "concluded", _("Course concluded")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sync_runs")
    trigger = models.CharField(max_length=30, default="periodic")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    new_results = models.PositiveIntegerField(default=0)
    changed_results = models.PositiveIntegerField(default=0)
    unchanged_results = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.RUNNING)
    error = models.TextField(blank=True, help_text="Shown to the instructor, in plain words.")
    detail = models.TextField(
        blank=True,
        help_text="What the LMS answered when the run failed: HTTP status, media type and the "
        "first bytes of the body (sanitised). Shown to the instructor under the error.",
    )
    warnings = models.JSONField(
        default=list,
        blank=True,
        help_text="Things that did not stop the run but need a look (e.g. a column that had "
        "results and now lists none).",
    )
    # Touched as pages are stored: a run whose worker died stops beating and is then
    # recorded as failed (see sync_runs.fail_stale_runs), never left "running".
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Not stored, per instance: whether the task should try again later (set by sync_course),
    # and when this process last wrote the heartbeat (sync_runs.beat); what the LMS said of
    # its rate budget during the run (widths used, throttled answers).
    retryable: bool = False
    rate: RateGauge | None = None
    _last_beat: float = 0.0

    class Meta:
        indexes = [
            models.Index(fields=["course", "-started_at"]),
            # The periodic check for dead runs reads only the few rows still running.
            models.Index(
                fields=["started_at"],
                condition=models.Q(outcome="running"),
                name="assess_syncrun_running_idx",
            ),
        ]


class CourseNotice(models.Model):
    """Something the instructor must be told about their course's link with the LMS
    (for example: a gradebook column Credbridge created was deleted there and recreated)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=50)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["course", "dismissed", "-created_at"], name="assess_notice_course_idx"
            )
        ]
