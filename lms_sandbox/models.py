"""The sandbox LMS's own data: platforms (with their key and the tool registration they
hold), users, courses, enrolments, resource links, line items, results, fault switches.

None of this is Credbridge's data: it is what a Moodle or a Canvas would keep, so the tool
can be exercised over real HTTP without an LMS installed.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from config.encryption import encrypted_fields

from . import naming

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_RESULT_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
ALL_SCOPES = [
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READONLY,
    SCOPE_RESULT_READONLY,
    SCOPE_SCORE,
    SCOPE_NRPS,
]


def _default_scopes() -> list[str]:
    return list(ALL_SCOPES)


@encrypted_fields("private_key_encrypted")
class SandboxPlatform(models.Model):
    """One sandbox LMS (a Moodle site or a Canvas school) and the tool registered in it."""

    class Flavour(models.TextChoices):
        MOODLE = "moodle", "Moodle 4.5"
        CANVAS = "canvas", "Canvas"

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    flavour = models.CharField(max_length=10, choices=Flavour.choices)
    # The sandbox's own public base (scheme://host[:port]); every URL it hands out is built
    # from this, never from the request's Host header.
    base_url = models.URLField(max_length=300)
    kid = models.CharField(max_length=100)
    private_key_encrypted = models.TextField()
    public_jwk = models.JSONField()
    # The tool registration this platform holds.
    client_id = models.CharField(max_length=100)
    deployment_id = models.CharField(max_length=200)
    tool_name = models.CharField(max_length=200, default="Credbridge")
    tool_login_url = models.URLField(max_length=500, blank=True)
    tool_launch_url = models.URLField(max_length=500, blank=True)
    tool_jwks_url = models.URLField(max_length=500, blank=True)
    tool_deep_link_url = models.URLField(max_length=500, blank=True)
    tool_redirect_uris = models.JSONField(default=list, blank=True)
    granted_scopes = models.JSONField(default=_default_scopes, blank=True)
    page_size = models.PositiveIntegerField(
        default=10, help_text="Default page size of line items, results and memberships."
    )

    class CourseVisible(models.IntegerChoices):
        """Moodle's "Tool configuration usage" (mod/lti/locallib.php LTI_COURSEVISIBLE_*)."""

        NO = 0, "Do not show; use only when a matching tool URL is entered"
        PRECONFIGURED = 1, "Show as preconfigured tool when adding an external tool"
        ACTIVITY_CHOOSER = 2, "Show in activity chooser and as a preconfigured tool"

    # Moodle defaults a new tool to PRECONFIGURED, both when registered dynamically
    # (mod/lti/classes/local/ltiopenid/registration_helper.php) and by hand (mod/lti/edit_form.php
    # setDefault('lti_coursevisible', '1')); only ACTIVITY_CHOOSER puts it under "Add an activity
    # or resource" (lti_get_configured_types), and 4.5 has no generic "External tool" entry
    # there, so until an admin changes it teachers cannot place the tool. Canvas ignores it.
    coursevisible = models.PositiveSmallIntegerField(
        choices=CourseVisible.choices,
        default=CourseVisible.PRECONFIGURED,
        help_text="Moodle's Tool configuration usage.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.flavour}, {self.slug})"

    @property
    def in_activity_chooser(self) -> bool:
        """Whether a teacher can add the tool as an activity (Moodle's setting; Canvas: yes)."""
        return (
            self.flavour == self.Flavour.CANVAS
            or self.coursevisible == self.CourseVisible.ACTIVITY_CHOOSER
        )

    @property
    def root(self) -> str:
        """Where this platform's paths start: Moodle's wwwroot, Canvas's school host."""
        return f"{self.base_url.rstrip('/')}/sandbox/{self.slug}"

    @property
    def issuer(self) -> str:
        if self.flavour == self.Flavour.CANVAS:
            return "https://canvas.instructure.com"
        return self.root

    @property
    def type_id(self) -> str:
        """Moodle's tool type id (= its deployment id)."""
        return self.deployment_id.split(":")[0]


class SandboxUser(models.Model):
    platform = models.ForeignKey(SandboxPlatform, on_delete=models.CASCADE, related_name="users")
    sub = models.CharField(max_length=100)
    username = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    sourcedid = models.CharField(max_length=100, blank=True)
    legacy_id = models.CharField(max_length=64, blank=True, help_text="LTI 1.1 user id")
    is_site_admin = models.BooleanField(default=False)
    # The language the person chose in the LMS, as the LMS spells it (Moodle: its language
    # pack code, `de` or `es_mx`; Canvas: a BCP 47 tag, `de` or `en-GB`); sent in the launch.
    locale = models.CharField(max_length=20, default="en")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "sub"], name="sbx_uniq_user_sub"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sub})"

    @classmethod
    def for_person(
        cls,
        platform: SandboxPlatform,
        *,
        sub: str,
        username: str,
        given: str,
        family: str,
        sourcedid: str = "",
        admin: bool = False,
    ) -> SandboxUser:
        """An unsaved seeded user: display name, e-mail and LTI 1.1 id derived as an LMS would."""
        return cls(
            platform=platform,
            sub=sub,
            username=username,
            name=f"{given} {family}",
            given_name=given,
            family_name=family,
            email=f"{username}@example.edu",
            sourcedid=sourcedid,
            legacy_id=naming.opaque_hex(f"{platform.slug}:{sub}"),
            is_site_admin=admin,
        )


class SandboxCourse(models.Model):
    platform = models.ForeignKey(SandboxPlatform, on_delete=models.CASCADE, related_name="courses")
    title = models.CharField(max_length=200)
    label = models.CharField(max_length=100, blank=True)
    context_id = models.CharField(max_length=100)
    sourcedid = models.CharField(max_length=100, blank=True)
    concluded = models.BooleanField(default=False)
    # Canvas without the ags_improved_course_concluded_response_codes flag answers 404.
    concluded_status = models.PositiveSmallIntegerField(default=422)
    # Not stored: how many results the bulk seed just wrote (bulk.seed_course sets it).
    seeded_results: int = 0

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "context_id"], name="sbx_uniq_course_context"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SandboxEnrolment(models.Model):
    class Role(models.TextChoices):
        INSTRUCTOR = "instructor", "Instructor"
        TA = "ta", "Teaching assistant"
        LEARNER = "learner", "Learner"

    course = models.ForeignKey(SandboxCourse, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="enrolments")
    role = models.CharField(max_length=20, choices=Role.choices)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="sbx_uniq_enrolment"),
        ]
        indexes = [models.Index(fields=["course", "role"])]


class SandboxResourceLink(models.Model):
    course = models.ForeignKey(
        SandboxCourse, on_delete=models.CASCADE, related_name="resource_links"
    )
    link_id = models.CharField(max_length=100)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    custom = models.JSONField(default=dict, blank=True)
    created_by_deep_link = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class SandboxLineItem(models.Model):
    course = models.ForeignKey(SandboxCourse, on_delete=models.CASCADE, related_name="line_items")
    label = models.CharField(max_length=200)
    score_maximum = models.FloatField()
    resource_id = models.CharField(max_length=200, blank=True)
    tag = models.CharField(max_length=200, blank=True)
    resource_link = models.ForeignKey(
        SandboxResourceLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="line_items",
    )
    start_date_time = models.CharField(max_length=40, blank=True)
    end_date_time = models.CharField(max_length=40, blank=True)
    extensions = models.JSONField(default=dict, blank=True)
    created_by_tool = models.BooleanField(default=True)
    # A column of another tool (or developer key): never listed; Canvas answers 412 on it.
    other_tool = models.BooleanField(default=False)
    published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.label


class SandboxResult(models.Model):
    """The grade one user has on one line item (one row, updated in place like an LMS)."""

    line_item = models.ForeignKey(SandboxLineItem, on_delete=models.CASCADE, related_name="results")
    user = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="results")
    score_given = models.FloatField(null=True, blank=True)
    score_maximum = models.FloatField(null=True, blank=True)
    comment = models.TextField(blank=True)
    activity_progress = models.CharField(max_length=30, blank=True)
    grading_progress = models.CharField(max_length=30, blank=True)
    # The timestamp the tool sent with its last score; Moodle/Canvas refuse older ones.
    score_timestamp = models.DateTimeField(null=True, blank=True)
    teacher_override = models.BooleanField(default=False)
    # What a teacher typed as feedback in the LMS's own gradebook. Neither Moodle nor Canvas
    # returns it through AGS (Moodle: no comment; Canvas: a submission comment).
    feedback = models.TextField(blank=True)
    extension = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line_item", "user"], name="sbx_uniq_result"),
        ]
        # Pages list a line item's results in id order: without this index every page sorts
        # the whole line item again (as an LMS with its indexes would not).
        indexes = [models.Index(fields=["line_item", "id"], name="sbx_result_page")]


class PendingLaunch(models.Model):
    """A login the sandbox started: the opaque lti_message_hint names it (single use)."""

    hint = models.UUIDField(default=uuid.uuid4, unique=True)
    # What the lti_message_hint carries, in the flavour's own form: Moodle's session key
    # `ltilaunch<instance>_<rand>`, Canvas's verifier (the hint UUID).
    launch_key = models.CharField(max_length=100, blank=True, db_index=True)
    platform = models.ForeignKey(SandboxPlatform, on_delete=models.CASCADE)
    user = models.ForeignKey(SandboxUser, on_delete=models.CASCADE)
    course = models.ForeignKey(SandboxCourse, on_delete=models.CASCADE)
    resource_link = models.ForeignKey(
        SandboxResourceLink, on_delete=models.CASCADE, null=True, blank=True
    )
    role = models.CharField(max_length=20)
    message_type = models.CharField(max_length=40, default="LtiResourceLinkRequest")
    target_link_uri = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    consumed_at = models.DateTimeField(null=True, blank=True)


class UsedAssertion(models.Model):
    """A one-time value already used: a Deep Linking response nonce or a registration token
    (replay protection: the unique constraint does the check)."""

    platform = models.ForeignKey(SandboxPlatform, on_delete=models.CASCADE)
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "jti"], name="sbx_uniq_jti"),
        ]


class FaultSwitch(models.Model):
    """An injected failure; `remaining` counts how many requests it still hits."""

    class Kind(models.TextChoices):
        THROTTLE = "throttle", "429 (Moodle: with Retry-After; Canvas: plain text)"
        THROTTLE_403 = "throttle_403", "Canvas legacy 403 Rate Limit Exceeded"
        SERVER_ERROR = "server_error", "500"
        SLOW = "slow", "Slow response (delay seconds)"
        MALFORMED = "malformed", "Malformed JSON body"
        CONCLUDED = "concluded", "422 course concluded (Canvas)"
        LOOP_NEXT = "loop_next", "next link pointing back at the same page"
        NOT_FOUND = "not_found", "404 although the resource exists (a PHP error in Moodle)"

    class Target(models.TextChoices):
        ANY = "any", "Every service request"
        TOKEN = "token", "Token endpoint"
        LINEITEMS = "lineitems", "AGS line items"
        RESULTS = "results", "AGS results"
        SCORES = "scores", "AGS scores"
        NRPS = "nrps", "NRPS memberships"

    platform = models.ForeignKey(SandboxPlatform, on_delete=models.CASCADE, related_name="faults")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    target = models.CharField(max_length=20, choices=Target.choices, default=Target.ANY)
    remaining = models.PositiveIntegerField(default=1)
    retry_after = models.PositiveIntegerField(default=1, help_text="Retry-After seconds (429)")
    delay_seconds = models.FloatField(default=2.0, help_text="Delay of a slow response")
    hits = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} on {self.target} ({self.remaining} left)"


class DeepLinkPlacement(models.Model):
    """What a tool's Deep Linking response placed (kept for inspection in tests and pages)."""

    platform = models.ForeignKey(SandboxPlatform, on_delete=models.CASCADE)
    course = models.ForeignKey(SandboxCourse, on_delete=models.CASCADE)
    resource_link = models.ForeignKey(
        SandboxResourceLink, on_delete=models.SET_NULL, null=True, blank=True
    )
    line_item = models.ForeignKey(SandboxLineItem, on_delete=models.SET_NULL, null=True, blank=True)
    item = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
