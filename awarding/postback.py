"""Post an issued award back to the LMS: 1/1 on the credential's own line item, with the
verification URL as comment — only for rules whose instructor asked for that column — and
clear that score again when the award is revoked. Runs after the award is stored (or
revoked) and never blocks it.

Off by default: a line item created through AGS is an ordinary grade item, and Moodle counts
it toward the course total unless a teacher excludes it; AGS has no field to say so.

A score without `scoreGiven` erases the learner's grade in both LMSs (Moodle
mod/lti/service/gradebookservices/classes/local/resources/scores.php and `save_grade_item`;
Canvas app/controllers/lti/ims/scores_controller.rb `ignore_score?`), so a revocation posts
exactly that. The LMS quirks of the score (Canvas: no new submission attempt, never over a
teacher's grade; Moodle: one score per second) live in the platform adapter behind `AGSClient`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from assessments.line_item_provisioning import LineItemSpec, ensure_line_items
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


def find_credential_line_item(*, rule: AwardingRule) -> LineItem | None:
    """The credential's column if the LMS has one (never creates it)."""
    live = LineItem.objects.filter(course_id=rule.course_id, deleted_in_lms=False)
    found = live.filter(tag=credential_tag(rule.achievement)).first()
    if found:
        return found
    if AwardingRule.objects.filter(course_id=rule.course_id, active=True).count() == 1:
        # One credential in the course: the column its placement created is its column.
        return live.filter(tag=PLACEMENT_TAG).order_by("pk").first()
    return None


def ensure_credential_line_item(*, rule: AwardingRule) -> LineItem:
    """The credential's own gradebook column (created in the LMS on first need)."""
    found = find_credential_line_item(rule=rule)
    if found:
        return found
    tag = credential_tag(rule.achievement)
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


def _client(course) -> AGSClient:
    return AGSClient(
        platform=course.platform,
        lineitems_url=course.lineitems_url,
        granted_scopes=list(course.ags_scopes or []),
    )


def _post_full_score(client: AGSClient, item: LineItem, award: Award) -> None:
    """The issued credential's 1/1 in its column, with the credential's link."""
    client.post_score(
        line_item_url=item.url,
        user_id=award.learner.sub,
        score_given=1,
        score_maximum=1,
        comment=f"Credential issued: {credential_url(award)}",
    )


def post_back_award(*, award_id: int) -> PostbackOutcome:
    """Bring the learner's credential score in the LMS in line with the award: 1/1 while it
    is issued (if the rule has a column), no score once it is revoked."""
    award = Award.objects.select_related("course__platform", "learner", "rule__achievement").get(
        pk=award_id
    )
    if award.state == Award.State.REVOKED:
        return _clear_score(award)
    done = (
        Award.PostbackState.POSTED,
        Award.PostbackState.NOT_POSSIBLE,
        Award.PostbackState.OFF,
    )
    if award.postback_state in done or award.state not in (
        Award.State.ISSUED,
        Award.State.FLAGGED,
    ):
        return PostbackOutcome(award.postback_state)
    if award.rule is None or award.course is None or not award.rule.gradebook_column:
        # Only a grade award's rule can have a credential column (ADR 0064).
        _set(award_id, postback_state=Award.PostbackState.OFF, postback_error="")
        return PostbackOutcome(Award.PostbackState.OFF)
    if not _score_possible(award):
        return PostbackOutcome(Award.PostbackState.NOT_POSSIBLE)
    _set(award_id, postback_attempts=F("postback_attempts") + 1)
    item = None
    try:
        item = ensure_credential_line_item(rule=award.rule)
        _post_full_score(_client(award.course), item, award)
    except errors.NotFound as exc:
        return _not_found(award=award, item=item, exc=exc)
    except errors.ServiceError as exc:
        return _refused(award=award, exc=exc)
    posted = Award.objects.filter(
        pk=award_id, state__in=(Award.State.ISSUED, Award.State.FLAGGED)
    ).update(
        postback_state=Award.PostbackState.POSTED,
        postback_at=timezone.now(),
        postback_error="",
        updated_at=timezone.now(),
    )
    if not posted:
        # Revoked while the 1/1 was on its way: the revocation's clearing may have landed
        # first, so clear once more, after this score.
        award.refresh_from_db()
        return _clear_score(award, again=True)
    return PostbackOutcome(Award.PostbackState.POSTED)


def post_back_awards(*, award_ids: list[int]) -> dict[int, PostbackOutcome]:
    """`post_back_award` for a batch of issued awards (ADR 0074): the awards read with one
    query, each rule's column and each course's client found once, the attempts counted with
    one update and the posted ones marked with another. One score is still one request (AGS
    has no batch of scores). An award in any other situation goes through `post_back_award`.
    """
    awards = Award.objects.select_related("course__platform", "learner", "rule__achievement")
    ready, outcomes = [], {}
    for award in awards.filter(pk__in=award_ids).order_by("pk"):
        if _plain_post(award):
            ready.append(award)
        else:
            outcomes[award.pk] = post_back_award(award_id=award.pk)
    if not ready:
        return outcomes
    Award.objects.filter(pk__in=[a.pk for a in ready]).update(
        postback_attempts=F("postback_attempts") + 1, updated_at=timezone.now()
    )
    items: dict[int, LineItem] = {}
    clients: dict[int, AGSClient] = {}
    posted = []
    for award in ready:
        rule, course = award.rule, award.course
        assert rule is not None and course is not None  # _plain_post
        item = None
        try:
            if rule.pk not in items:
                items[rule.pk] = ensure_credential_line_item(rule=rule)
            item = items[rule.pk]
            if course.pk not in clients:
                clients[course.pk] = _client(course)
            _post_full_score(clients[course.pk], item, award)
        except errors.NotFound as exc:
            items.pop(rule.pk, None)  # found again (or recreated) for the next award
            outcomes[award.pk] = _not_found(award=award, item=item, exc=exc)
            continue
        except errors.ServiceError as exc:
            outcomes[award.pk] = _refused(award=award, exc=exc)
            continue
        posted.append(award.pk)
    outcomes.update(_mark_posted(posted))
    return outcomes


def _plain_post(award: Award) -> bool:
    """An issued award whose 1/1 is still to be posted to its rule's column, the course
    granting the score service: what `post_back_awards` posts itself."""
    course = award.course
    return (
        award.state in (Award.State.ISSUED, Award.State.FLAGGED)
        and award.postback_state in (Award.PostbackState.PENDING, Award.PostbackState.FAILED)
        and award.rule is not None
        and award.rule.gradebook_column
        and course is not None
        and bool(course.lineitems_url)
        and SCORE_SCOPE in (course.ags_scopes or ())
    )


def _not_found(*, award: Award, item: LineItem | None, exc: errors.NotFound) -> PostbackOutcome:
    if item is not None:
        # A column the LMS confirms deleted is recreated on the next try; an unconfirmed
        # 404 is only a failed try (recreating would add a second column to the total).
        try:
            _confirm_gone(award=award, item=item)
        except errors.ServiceError as check:
            return _refused(award=award, exc=check)
    return _failed(award=award, exc=exc)


def _mark_posted(award_ids: list[int]) -> dict[int, PostbackOutcome]:
    """Mark these scores posted; an award revoked while its 1/1 was on its way is cleared
    once more, after this score (the revocation's clearing may have landed first)."""
    if not award_ids:
        return {}
    now = timezone.now()
    marked = Award.objects.filter(
        pk__in=award_ids, state__in=(Award.State.ISSUED, Award.State.FLAGGED)
    ).update(
        postback_state=Award.PostbackState.POSTED,
        postback_at=now,
        postback_error="",
        updated_at=now,
    )
    outcomes = {pk: PostbackOutcome(Award.PostbackState.POSTED) for pk in award_ids}
    if marked < len(award_ids):
        revoked = Award.objects.select_related("course__platform", "learner", "rule__achievement")
        for award in revoked.filter(pk__in=award_ids).exclude(
            state__in=(Award.State.ISSUED, Award.State.FLAGGED)
        ):
            outcomes[award.pk] = _clear_score(award, again=True)
    return outcomes


def _score_possible(award: Award) -> bool:
    course = award.course
    if course is not None and course.lineitems_url and SCORE_SCOPE in (course.ags_scopes or ()):
        return True
    _set(
        award.pk,
        postback_state=Award.PostbackState.NOT_POSSIBLE,
        postback_error="The course's launch did not grant the score service.",
    )
    return False


def _clear_score(award: Award, *, again: bool = False) -> PostbackOutcome:
    """Erase the revoked credential's score: a score without `scoreGiven`.

    The revocation asks for it (state pending) only when a score was or may have been posted;
    a failed try (state failed) is tried again; `again` clears even an award already cleared.
    """
    waiting = (Award.PostbackState.PENDING, Award.PostbackState.FAILED)
    if award.postback_state not in waiting and not again:
        return PostbackOutcome(award.postback_state)  # nothing posted, or already cleared
    item = find_credential_line_item(rule=award.rule) if award.rule is not None else None
    if item is None:
        # No column (never made, or deleted in the LMS): no score to erase.
        _set(award.pk, postback_state=Award.PostbackState.CLEARED, postback_error="")
        return PostbackOutcome(Award.PostbackState.CLEARED)
    if not _score_possible(award):
        return PostbackOutcome(Award.PostbackState.NOT_POSSIBLE)
    _set(award.pk, postback_attempts=F("postback_attempts") + 1)
    try:
        _client(award.course).post_score(
            line_item_url=item.url,
            user_id=award.learner.sub,
            score_given=None,
            score_maximum=None,
            comment="Credential revoked.",
            activity_progress="Initialized",
            grading_progress="NotReady",
        )
    except errors.NotFound as exc:
        try:
            gone = _confirm_gone(award=award, item=item)
        except errors.ServiceError as check:
            return _refused(award=award, exc=check)
        if not gone:
            return _failed(award=award, exc=exc)  # the column is there: try again later
        # The column is gone from the LMS, and with it the score.
    except errors.ServiceError as exc:
        return _refused(award=award, exc=exc)
    _set(
        award.pk,
        postback_state=Award.PostbackState.CLEARED,
        postback_at=timezone.now(),
        postback_error="",
    )
    return PostbackOutcome(Award.PostbackState.CLEARED)


def _confirm_gone(*, award: Award, item: LineItem) -> bool:
    """Whether the LMS confirms the column deleted (then it is marked so). A 404 on a score
    alone proves nothing: Moodle answers PHP errors as HTML 404s."""
    if not _client(award.course).line_item_is_gone(url=item.url):
        return False
    LineItem.objects.filter(pk=item.pk).update(deleted_in_lms=True)
    return True


def _refused(*, award: Award, exc: errors.ServiceError) -> PostbackOutcome:
    if not _permanent(exc):
        return _failed(award=award, exc=exc)
    state = (
        Award.PostbackState.NOT_POSSIBLE
        if isinstance(exc, errors.CourseConcluded | errors.InvalidScope)
        else Award.PostbackState.GAVE_UP
    )
    _set(award.pk, postback_state=state, postback_error=str(exc)[:2000])
    log.warning("post-back of award %s not possible: %s", award.uuid, exc)
    return PostbackOutcome(state, error=str(exc))


def _failed(*, award: Award, exc: errors.ServiceError) -> PostbackOutcome:
    """Count the failure; ask for another try later, with backoff, until MAX_ATTEMPTS."""
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
