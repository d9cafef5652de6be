"""End to end over real HTTP: the sandbox LMS and the tool talk through the live server."""

import pytest

from assessments.sync import sync_course
from awarding.models import Award

from .story import PASS, PLAN, check_outcome, set_up, wait_for


@pytest.mark.parametrize("flavour", ["moodle"])
def test_story_in_process(flavour, live_server, transactional_db, settings):
    """Embedded mode: tasks run in-process right after the sync commits."""
    settings.PUBLIC_BASE_URL = live_server.url
    story = set_up(base_url=live_server.url, flavour=flavour, deep_link=False)

    run = sync_course(course=story.course, trigger="e2e")

    assert run.outcome == "succeeded", run.error
    check_outcome(story, base_url=live_server.url)


@pytest.mark.postgres
@pytest.mark.redis
def test_story_with_a_real_celery_worker(celery_worker, live_server, settings):
    """Production shape: PostgreSQL, Redis, and a separate `celery worker` process."""
    from assessments.tasks import request_sync

    settings.PUBLIC_BASE_URL = live_server.url
    story = set_up(base_url=live_server.url, flavour="moodle", deep_link=False)

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
