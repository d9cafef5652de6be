"""End to end over real HTTP: the sandbox LMS and the tool talk through the live server."""

import json

import pytest

from assessments.sync import sync_course
from awarding.models import Award
from credentials.local_verification import verify_credential
from demo import steps as demo

from .story import PASS, PLAN, check_outcome, set_up, wait_for


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_story_in_process(flavour, live_server, transactional_db, settings):
    """Embedded mode: tasks run in-process right after the sync commits."""
    settings.PUBLIC_BASE_URL = live_server.url
    story = set_up(base_url=live_server.url, flavour=flavour)

    run = sync_course(course=story.course, trigger="e2e")

    assert run.outcome == "succeeded", run.error
    # The placement creates no column (it counts toward Moodle's course total); the opt-in
    # creates the credential's column through AGS, which takes scores in both LMSs.
    check_outcome(story, base_url=live_server.url)


@pytest.mark.postgres
@pytest.mark.redis
def test_story_with_a_real_celery_worker(celery_worker, live_server, settings):
    """Production shape: PostgreSQL, Redis, and a separate `celery worker` process."""
    from assessments.tasks import request_sync

    settings.PUBLIC_BASE_URL = live_server.url
    story = set_up(base_url=live_server.url, flavour="moodle")

    assert request_sync(course_id=story.course.pk, trigger="e2e")

    expected = PLAN.count(PASS)
    wait_for(
        lambda: (
            Award.objects.filter(rule=story.rule, postback_state=Award.PostbackState.POSTED).count()
            == expected
        ),
        what="credentials issued and posted back by the worker",
    )
    check_outcome(story, base_url=live_server.url)

    # A grade lowered after the award: flagged for QA with both snapshots, never revoked.
    holder = story.learners[0]
    demo.grade_in_sandbox(
        sandbox_course=story.sandbox_course,
        user=holder,
        tag="credbridge:criterion:create",
        score=3,
    )
    wait_for(
        lambda: request_sync(course_id=story.course.pk, trigger="e2e"),
        what="the first sync to release its lock",
    )
    wait_for(
        lambda: Award.objects.filter(learner__sub=holder.sub, state=Award.State.FLAGGED).exists(),
        what="the worker to flag the award",
    )
    award = Award.objects.select_related("credential").get(learner__sub=holder.sub)
    assert award.state == Award.State.FLAGGED
    assert award.decision.evidence["create"][-1]["score"] == 16
    assert award.flag_decision.evidence["create"][-1]["score"] == 3
    assert award.credential.status == "active"
    assert verify_credential(json.loads(award.credential.document)).ok
