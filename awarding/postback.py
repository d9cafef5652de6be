"""Post an issued award back to the LMS: 1/1 on the credential's own line item, with the
verification URL as comment. Runs after the award is stored and never blocks it.

The LMS quirks of the score (Canvas: no new submission attempt, never over a teacher's
grade; Moodle: one score per second) live in the platform adapter behind `AGSClient`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from assessments.lineitems import LineItemSpec, ensure_line_items
from assessments.models import LineItem
from lti_tool.services import errors
from lti_tool.services.ags import AGSClient

from .models import Award, AwardingRule
from .notify import credential_url

log = logging.getLogger(__name__)

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
CREDENTIAL_TAG_PREFIX = "credbridge:credential:"
# The column a Deep Linking placement may have created for "the" credential of a course.
PLACEMENT_TAG = "credbridge:credential"
MAX_ATTEMPTS = 8

# Errors that another try cannot fix: the course is closed, the registration lacks the
# scope, the URL is not the platform's, or the LMS refused the score itself.
_PERMANENT = (errors.CourseConcluded, errors.InvalidScope, errors.UntrustedURL, errors.Rejected)
# ...except refusals of a state that people change: a conflict, or a column the instructor
# has not published yet (Canvas answers 422 until the assignment is published).
_RETRYABLE_STATUSES = (409, 422)


def _permanent(exc: errors.ServiceError) -> bool:
    if isinstance(exc, errors.Rejected) and exc.status in _RETRYABLE_STATUSES:
        return False
    return isinstance(exc, _PERMANENT)


@dataclass(frozen=True)
class PostbackOutcome:
    state: str
    retry_in: float | None = None  # seconds, when the caller should try again
    error: str = ""


def credential_tag(achievement) -> str:
    return f"{CREDENTIAL_TAG_PREFIX}{achievement.uuid}"


def ensure_credential_line_item(*, rule: AwardingRule) -> LineItem:
    """The credential's own gradebook column (created in the LMS on first need)."""
    tag = credential_tag(rule.achievement)
    live = LineItem.objects.filter(course_id=rule.course_id, deleted_in_lms=False)
    found = live.filter(tag=tag).first()
    if found:
        return found
    if AwardingRule.objects.filter(course_id=rule.course_id, active=True).count() == 1:
        # One credential in the course: the column its placement created is its column.
        placed = live.filter(tag=PLACEMENT_TAG).order_by("pk").first()
        if placed:
            return placed
    items = ensure_line_items(
        course=rule.course,
        specs=[
            LineItemSpec(
                label=f"Credential: {rule.achievement.name}"[:200],
                score_maximum=1,
                tag=tag,
                resource_id=str(rule.achievement.uuid),
            )
        ],
    )
    return items[0]


def _set(award_id: int, **fields) -> None:
    Award.objects.filter(pk=award_id).update(updated_at=timezone.now(), **fields)


def post_back_award(*, award_id: int) -> PostbackOutcome:
    award = Award.objects.select_related("course__platform", "learner", "rule__achievement").get(
        pk=award_id
    )
    done = (Award.PostbackState.POSTED, Award.PostbackState.NOT_POSSIBLE)
    if award.postback_state in done or award.state not in (
        Award.State.ISSUED,
        Award.State.FLAGGED,
    ):
        return PostbackOutcome(award.postback_state)
    course = award.course
    if not course.lineitems_url or SCORE_SCOPE not in (course.ags_scopes or ()):
        _set(
            award_id,
            postback_state=Award.PostbackState.NOT_POSSIBLE,
            postback_error="The course's launch did not grant the score service.",
        )
        return PostbackOutcome(Award.PostbackState.NOT_POSSIBLE)
    _set(award_id, postback_attempts=F("postback_attempts") + 1)
    try:
        item = ensure_credential_line_item(rule=award.rule)
        AGSClient(
            platform=course.platform,
            lineitems_url=course.lineitems_url,
            granted_scopes=list(course.ags_scopes or []),
        ).post_score(
            line_item_url=item.url,
            user_id=award.learner.sub,
            score_given=1,
            score_maximum=1,
            comment=f"Credential issued: {credential_url(award)}",
        )
    except errors.ServiceError as exc:
        if not _permanent(exc):
            return _failed(award=award, exc=exc)
        state = (
            Award.PostbackState.NOT_POSSIBLE
            if isinstance(exc, errors.CourseConcluded | errors.InvalidScope)
            else Award.PostbackState.GAVE_UP
        )
        _set(award_id, postback_state=state, postback_error=str(exc)[:2000])
        log.warning("post-back of award %s not possible: %s", award.uuid, exc)
        return PostbackOutcome(state, error=str(exc))
    _set(
        award_id,
        postback_state=Award.PostbackState.POSTED,
        postback_at=timezone.now(),
        postback_error="",
    )
    return PostbackOutcome(Award.PostbackState.POSTED)


def _failed(*, award: Award, exc: errors.ServiceError) -> PostbackOutcome:
    """Count the failure; ask for another try later, with backoff, until MAX_ATTEMPTS."""
    if isinstance(exc, errors.NotFound):
        # The column was deleted in the LMS: recreate it on the next try.
        LineItem.objects.filter(
            course_id=award.course_id, tag=credential_tag(award.rule.achievement)
        ).update(deleted_in_lms=True)
    attempts = award.postback_attempts + 1
    gave_up = attempts >= MAX_ATTEMPTS
    state = Award.PostbackState.GAVE_UP if gave_up else Award.PostbackState.FAILED
    _set(award.pk, postback_state=state, postback_error=str(exc)[:2000])
    log.warning("post-back of award %s failed (attempt %s): %s", award.uuid, attempts, exc)
    if gave_up:
        return PostbackOutcome(state, error=str(exc))
    hint = getattr(exc, "retry_after", None)
    delay = max(float(hint or 0), min(600.0, 5.0 * 2 ** (attempts - 1)))
    return PostbackOutcome(state, retry_in=delay, error=str(exc))
