"""Sync now while a periodic sync of the course waits out its countdown in the broker: the
teacher's sync runs at once (seen in real Moodle: it waited 160 s for the periodic one).
Real worker, PostgreSQL, Redis and the sandbox LMS over HTTP."""

import pytest

from assessments.models import Course, SyncRun
from assessments.tasks import request_sync, sync_in_flight
from lms_sandbox.flavours import get_flavour
from lms_sandbox.seed import connect_tool, seed_course
from tests.e2e.story import wait_for

from .test_sandbox_sync import _grade

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_sync_now_runs_at_once_while_a_periodic_sync_is_scheduled(live_server, celery_worker):
    sp, platform = connect_tool(flavour="moodle", tool_base_url=live_server.url)
    sb_course = seed_course(platform=sp, title="Scheduled", learners=3)
    _grade(sb_course, learners=3, score=6)
    flavour = get_flavour("moodle")
    course = Course.objects.create(
        platform=platform,
        context_id=sb_course.context_id,
        lineitems_url=flavour.lineitems_url(sb_course),
        memberships_url=flavour.memberships_url(sb_course),
    )
    # What dispatch_periodic_syncs does for a course whose turn is in ten minutes.
    assert request_sync(course_id=course.pk, trigger="periodic", countdown=600) is True
    assert not sync_in_flight(course_id=course.pk)  # scheduled is not "in progress"

    assert request_sync(course_id=course.pk, trigger="manual") is True
    wait_for(
        lambda: (
            SyncRun.objects.filter(course=course, trigger="manual")
            .exclude(outcome="running")
            .exists()
        ),
        timeout=60,
        what="the teacher's sync to run",
    )
    assert list(SyncRun.objects.filter(course=course).values_list("trigger", "outcome")) == [
        ("manual", "succeeded")
    ]
    wait_for(lambda: not sync_in_flight(course_id=course.pk), timeout=10, what="the lock")
