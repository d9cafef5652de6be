"""Gradebook manners, over real HTTP against the sandbox LMS in both flavours.

A column created through AGS is an ordinary grade item (in Moodle it counts toward the
course total), so Credbridge creates no credential column unless the instructor opts in on
the setup page; opted in, it posts 1/1 per credential; a revocation erases the score.
"""

from __future__ import annotations

from urllib.parse import urljoin

import lxml.html
import pytest
import requests

from assessments.models import Course
from assessments.sync import sync_course
from audit.models import AuditEvent
from awarding.models import Award, AwardingRule
from awarding.revoke import confirm_award, revoke_award
from awarding.tasks import sweep_awards_task
from demo import steps as demo
from lms_sandbox.browserless import follow_launch, form_fields
from lms_sandbox.models import SandboxCourse, SandboxLineItem, SandboxResult, SandboxUser
from lms_sandbox.seed import launch_url
from tests.e2e.story import PASS, PLAN, Story, set_up
from tests.sqlite_snapshot import Worlds, kept_worlds

CREDENTIAL_TAGS = "credbridge:credential"


@pytest.fixture(scope="module")
def worlds(rsa_key_pool):
    with kept_worlds(rsa_key_pool) as kept:
        yield kept


def _synced_story(worlds: Worlds, flavour: str, base_url: str, *, gradebook_column: bool):
    """The story (tests/e2e/story.py) set up over real HTTP and synced once: built by the
    module's first test that asks for it, a fresh copy for every later one (as
    tests/sqlite_snapshot.py says). With `gradebook_column` the credential column was opted
    into at setup, the scores posted (the column published, as Canvas needs, and swept)."""

    def build() -> tuple:
        story = set_up(
            base_url=base_url, flavour=flavour, deep_link=False, gradebook_column=gradebook_column
        )
        assert sync_course(course=story.course, trigger="test").outcome == "succeeded"
        if gradebook_column:
            SandboxLineItem.objects.filter(course=story.sandbox_course).update(published=True)
            sweep_awards_task.delay(older_than_s=0)
            awards = Award.objects.filter(rule=story.rule)
            assert {a.postback_state for a in awards} == {Award.PostbackState.POSTED}
        return (story.course.pk, story.rule.pk, story.sandbox_course.pk) + tuple(
            user.pk for user in story.learners
        )

    course, rule, sandbox_course, *learners = worlds.get((flavour, gradebook_column), build)
    by_pk = SandboxUser.objects.in_bulk(learners)
    return Story(
        Course.objects.get(pk=course),
        AwardingRule.objects.get(pk=rule),
        SandboxCourse.objects.get(pk=sandbox_course),
        [by_pk[pk] for pk in learners],
    )


def _credential_results(story) -> dict[str, SandboxResult]:
    rows = SandboxResult.objects.filter(
        line_item__course=story.sandbox_course, line_item__tag__startswith=CREDENTIAL_TAGS
    ).select_related("user")
    return {row.user.sub: row for row in rows}


def _opt_in_as_the_instructor(story) -> requests.Response:
    """The instructor launches, opens the setup page, ticks the box and saves."""
    teacher = demo.people(story.sandbox_course, "instructor")[0]
    session = requests.Session()
    link = story.sandbox_course.resource_links.order_by("pk").first()
    dashboard = follow_launch(
        session,
        launch_url(
            course=story.sandbox_course, user=teacher, role="instructor", resource_link=link
        ),
    )
    dashboard.raise_for_status()
    token = lxml.html.fromstring(dashboard.content).xpath('//input[@name="lt"]/@value')[0]
    setup = session.get(urljoin(dashboard.url, "/course/setup/"), params={"lt": token}, timeout=30)
    assert setup.status_code == 200
    page = lxml.html.fromstring(setup.content)
    explanation = page.get_element_by_id("gradebook").text_content()
    # The teacher is told, in Moodle's own words, how to keep the course total unchanged.
    for words in ("Gradebook setup", "Override weight of", "Save changes", "Item weight"):
        assert words in explanation, words
    form = next(f for f in page.forms if f.get("action", "").count("/gradebook"))
    assert not form.inputs["gradebook_column"].checked  # off unless asked for
    fields = dict(form_fields(form))
    fields["gradebook_column"] = "on"
    saved = session.post(urljoin(setup.url, form.get("action")), data=fields, timeout=60)
    assert saved.status_code == 200, saved.text[:1000]
    return saved


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_no_column_by_default_opt_in_posts_and_revoke_clears(
    flavour, worlds, live_server, transactional_db, settings
):
    settings.PUBLIC_BASE_URL = live_server.url
    story = _synced_story(worlds, flavour, live_server.url, gradebook_column=False)

    awards = Award.objects.filter(rule=story.rule)
    assert awards.count() == PLAN.count(PASS)
    assert all(a.state == Award.State.ISSUED for a in awards)
    # By default: no credential column in the LMS, so no course total changes.
    assert not SandboxLineItem.objects.filter(
        course=story.sandbox_course, tag__startswith=CREDENTIAL_TAGS
    ).exists()
    assert {a.postback_state for a in awards} == {Award.PostbackState.OFF}

    saved = _opt_in_as_the_instructor(story)
    assert "is in the LMS gradebook" in saved.text
    story.rule.refresh_from_db()
    assert story.rule.gradebook_column
    assert AuditEvent.objects.filter(action="awarding.rule.gradebook_column").exists()
    column = SandboxLineItem.objects.get(
        course=story.sandbox_course, tag__startswith=CREDENTIAL_TAGS
    )
    assert column.score_maximum == 1
    if flavour == "canvas" and not column.published:
        # Canvas refuses scores on an unpublished assignment; the sweep retries once it is.
        SandboxLineItem.objects.filter(pk=column.pk).update(published=True)
        sweep_awards_task.delay(older_than_s=0)

    expected = {a.learner.sub for a in awards}
    posted = _credential_results(story)
    assert set(posted) == expected
    for award in awards:
        award.refresh_from_db()
        row = posted[award.learner.sub]
        assert row.score_given == row.score_maximum == 1
        assert f"/credentials/{award.uuid}" in row.comment
        assert award.postback_state == Award.PostbackState.POSTED

    revoked = awards.order_by("pk").first()
    revoke_award(award=revoked, reason="Grade entered in the wrong course", actor="lti:1:teacher")

    revoked.refresh_from_db()
    assert revoked.postback_state == Award.PostbackState.CLEARED, revoked.postback_error
    after = _credential_results(story)
    assert after[revoked.learner.sub].score_given is None  # erased in the LMS gradebook
    others = expected - {revoked.learner.sub}
    assert all(after[sub].score_given == 1 for sub in others)


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_revoking_without_a_column_sends_nothing(
    flavour, worlds, live_server, transactional_db, settings
):
    settings.PUBLIC_BASE_URL = live_server.url
    story = _synced_story(worlds, flavour, live_server.url, gradebook_column=False)
    award = Award.objects.filter(rule=story.rule).first()

    revoke_award(award=award, reason="Issued by mistake", actor="lti:1:teacher")

    award.refresh_from_db()
    assert award.state == Award.State.REVOKED
    assert award.postback_state == Award.PostbackState.OFF
    assert not SandboxLineItem.objects.filter(
        course=story.sandbox_course, tag__startswith=CREDENTIAL_TAGS
    ).exists()


def _posted_story(worlds: Worlds, flavour: str, base_url: str):
    story = _synced_story(worlds, flavour, base_url, gradebook_column=True)
    return story, Award.objects.filter(rule=story.rule).order_by("pk").first()


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_a_clearing_the_lms_refused_is_tried_again(
    flavour, worlds, live_server, transactional_db, settings
):
    from lms_sandbox.faults import clear_faults, set_fault

    settings.PUBLIC_BASE_URL = live_server.url
    story, award = _posted_story(worlds, flavour, live_server.url)
    platform = story.sandbox_course.platform
    set_fault(platform=platform, kind="server_error", target="scores", times=20)

    revoke_award(award=award, reason="Issued by mistake", actor="lti:1:teacher")

    award.refresh_from_db()
    assert award.postback_state == Award.PostbackState.FAILED
    assert _credential_results(story)[award.learner.sub].score_given == 1
    clear_faults(platform=platform)
    sweep_awards_task.delay(older_than_s=0)  # what the periodic sweep does
    award.refresh_from_db()
    assert award.postback_state == Award.PostbackState.CLEARED, award.postback_error
    assert _credential_results(story)[award.learner.sub].score_given is None


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_a_score_landing_after_a_revocation_is_cleared_again(
    flavour, worlds, live_server, transactional_db, settings, monkeypatch
):
    """The 1/1 was on its way when the award was revoked, and the revocation's clearing
    reached the LMS first: the learner must not keep the score."""
    from awarding import postback
    from lti_tool.services.ags import AGSClient

    settings.PUBLIC_BASE_URL = live_server.url
    story = _synced_story(worlds, flavour, live_server.url, gradebook_column=False)
    award = Award.objects.filter(rule=story.rule).order_by("pk").first()
    story.rule.gradebook_column = True
    story.rule.save()
    postback.ensure_credential_line_item(rule=story.rule)
    SandboxLineItem.objects.filter(course=story.sandbox_course).update(published=True)
    Award.objects.filter(pk=award.pk).update(postback_state=Award.PostbackState.PENDING)
    real_post = AGSClient.post_score

    def revoke_first(self, **kwargs):
        if kwargs["score_given"] is not None:
            monkeypatch.setattr(AGSClient, "post_score", real_post)
            revoke_award(award=award, reason="Revoked meanwhile", actor="lti:1:teacher")
        return real_post(self, **kwargs)

    monkeypatch.setattr(AGSClient, "post_score", revoke_first)

    postback.post_back_award(award_id=award.pk)

    award.refresh_from_db()
    assert award.state == Award.State.REVOKED
    assert award.postback_state == Award.PostbackState.CLEARED, award.postback_error
    assert _credential_results(story)[award.learner.sub].score_given is None


def test_a_batchs_scores_are_posted_and_one_revoked_meanwhile_cleared_again(
    worlds, live_server, transactional_db, settings, monkeypatch
):
    """The batch post-back (ADR 0074) marks the posted scores at its end: an award revoked
    while its 1/1 was on its way is cleared once more, the others are posted."""
    from awarding import postback
    from lti_tool.services.ags import AGSClient

    settings.PUBLIC_BASE_URL = live_server.url
    story = _synced_story(worlds, "moodle", live_server.url, gradebook_column=False)
    first, second = Award.objects.filter(rule=story.rule).order_by("pk")[:2]
    story.rule.gradebook_column = True
    story.rule.save()
    postback.ensure_credential_line_item(rule=story.rule)
    SandboxLineItem.objects.filter(course=story.sandbox_course).update(published=True)
    Award.objects.filter(pk__in=(first.pk, second.pk)).update(
        postback_state=Award.PostbackState.PENDING
    )
    real_post = AGSClient.post_score

    def revoke_first(self, **kwargs):
        if kwargs["user_id"] == first.learner.sub and kwargs["score_given"] is not None:
            revoke_award(award=first, reason="Revoked meanwhile", actor="lti:1:teacher")
        return real_post(self, **kwargs)

    monkeypatch.setattr(AGSClient, "post_score", revoke_first)

    outcomes = postback.post_back_awards(award_ids=[first.pk, second.pk])

    first.refresh_from_db()
    second.refresh_from_db()
    assert outcomes[first.pk].state == Award.PostbackState.CLEARED
    assert first.postback_state == Award.PostbackState.CLEARED, first.postback_error
    assert second.postback_state == Award.PostbackState.POSTED, second.postback_error
    assert second.postback_attempts == 1
    results = _credential_results(story)
    assert results[first.learner.sub].score_given is None
    assert results[second.learner.sub].score_given == 1


def _credential_columns(story) -> int:
    return SandboxLineItem.objects.filter(
        course=story.sandbox_course, tag__startswith=CREDENTIAL_TAGS
    ).count()


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_a_stray_404_on_a_score_is_a_failed_try_not_a_deleted_column(
    flavour, worlds, live_server, transactional_db, settings
):
    """Moodle answers PHP errors as 404s: unless the LMS confirms the column gone, a 404 on
    a score is retried on the same column, never answered with a second one (which would
    count toward the course total twice)."""
    from awarding import postback
    from lms_sandbox.faults import clear_faults, set_fault

    settings.PUBLIC_BASE_URL = live_server.url
    story = _synced_story(worlds, flavour, live_server.url, gradebook_column=False)
    issued, revoked = Award.objects.filter(rule=story.rule).order_by("pk")[:2]
    story.rule.gradebook_column = True
    story.rule.save()
    postback.ensure_credential_line_item(rule=story.rule)
    SandboxLineItem.objects.filter(course=story.sandbox_course).update(published=True)
    platform = story.sandbox_course.platform

    # Issuing: the 1/1 answered 404 while the column is there.
    Award.objects.filter(pk=issued.pk).update(postback_state=Award.PostbackState.PENDING)
    set_fault(platform=platform, kind="not_found", target="scores", times=1)
    assert postback.post_back_award(award_id=issued.pk).state == Award.PostbackState.FAILED
    assert not story.course.line_items.filter(deleted_in_lms=True).exists()
    sweep_awards_task.delay(older_than_s=0)
    issued.refresh_from_db()
    assert issued.postback_state == Award.PostbackState.POSTED, issued.postback_error
    assert _credential_columns(story) == 1
    assert _credential_results(story)[issued.learner.sub].score_given == 1

    # Revoking: the clearing answered 404 while the column is there.
    Award.objects.filter(pk=revoked.pk).update(postback_state=Award.PostbackState.POSTED)
    set_fault(platform=platform, kind="not_found", target="scores", times=1)
    revoke_award(award=revoked, reason="Issued by mistake", actor="lti:1:teacher")
    revoked.refresh_from_db()
    assert revoked.postback_state == Award.PostbackState.FAILED
    assert not story.course.line_items.filter(deleted_in_lms=True).exists()
    clear_faults(platform=platform)
    sweep_awards_task.delay(older_than_s=0)
    revoked.refresh_from_db()
    assert revoked.postback_state == Award.PostbackState.CLEARED, revoked.postback_error
    assert _credential_columns(story) == 1


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_a_column_really_deleted_in_the_lms_is_recreated(
    flavour, worlds, live_server, transactional_db, settings
):
    from awarding import postback

    settings.PUBLIC_BASE_URL = live_server.url
    story, award = _posted_story(worlds, flavour, live_server.url)
    SandboxLineItem.objects.filter(
        course=story.sandbox_course, tag__startswith=CREDENTIAL_TAGS
    ).delete()
    Award.objects.filter(pk=award.pk).update(postback_state=Award.PostbackState.PENDING)

    assert postback.post_back_award(award_id=award.pk).state == Award.PostbackState.FAILED
    assert story.course.line_items.filter(deleted_in_lms=True).count() == 1
    SandboxLineItem.objects.filter(course=story.sandbox_course).update(published=True)
    postback.post_back_award(award_id=award.pk)
    if flavour == "canvas":  # a new Canvas assignment is unpublished until the teacher acts
        SandboxLineItem.objects.filter(course=story.sandbox_course).update(published=True)
        sweep_awards_task.delay(older_than_s=0)
    award.refresh_from_db()
    assert award.postback_state == Award.PostbackState.POSTED, award.postback_error
    assert _credential_columns(story) == 1
    assert _credential_results(story)[award.learner.sub].score_given == 1


def test_a_credential_awarded_again_right_after_its_revocation_is_posted_in_moodle(
    worlds, live_server, transactional_db, settings
):
    """Moodle dates a cleared grade with its own clock and answers 409 to a score not newer
    (to the second): the new award's 1/1, right after the revocation's clearing, still lands."""
    settings.PUBLIC_BASE_URL = live_server.url
    story, award = _posted_story(worlds, "moodle", live_server.url)
    revoke_award(award=award, reason="Issued by mistake", actor="lti:1:teacher")
    award.refresh_from_db()
    assert award.postback_state == Award.PostbackState.CLEARED, award.postback_error

    # The teacher regrades the learner, who still meets the rubric: evaluated again, awarded.
    from django.utils import timezone

    row = (
        SandboxResult.objects.filter(
            line_item__course=story.sandbox_course, user__sub=award.learner.sub
        )
        .exclude(line_item__tag__startswith=CREDENTIAL_TAGS)
        .order_by("pk")
        .first()
    )
    SandboxResult.objects.filter(pk=row.pk).update(
        score_given=row.line_item.score_maximum, updated_at=timezone.now()
    )
    assert sync_course(course=story.course, trigger="test").outcome == "succeeded"

    again = Award.objects.exclude(pk=award.pk).get(rule=story.rule, learner=award.learner)
    # After a revocation a person decides again: the instructor confirms the new award.
    assert again.state == Award.State.HELD
    confirm_award(award=again, actor="lti:1:teacher")
    again.refresh_from_db()
    assert again.state == Award.State.ISSUED
    assert again.postback_state == Award.PostbackState.POSTED, again.postback_error
    assert _credential_results(story)[award.learner.sub].score_given == 1
