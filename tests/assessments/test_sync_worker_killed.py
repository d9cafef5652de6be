"""A Celery worker killed (SIGKILL, the whole process group) in the middle of a sync: the run
it leaves "running" is shown and recorded as failed once silent past the bound, and a new
sync may start. Real worker, PostgreSQL, Redis and the sandbox LMS over HTTP."""

import os
import signal
import time

import pytest

from assessments.models import Course, Enrolment, SyncRun
from assessments.sync_runs import latest_run
from assessments.tasks import request_sync, sync_in_flight
from lms_sandbox.faults import set_fault
from lms_sandbox.flavours import get_flavour
from lms_sandbox.seed import connect_tool, seed_course
from tests.e2e.story import wait_for

from .test_sandbox_sync import _grade

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_a_killed_worker_leaves_no_run_running(live_server, celery_worker, settings):
    sp, platform = connect_tool(flavour="moodle", tool_base_url=live_server.url)
    sb_course = seed_course(platform=sp, title="Killed", learners=4)
    _grade(sb_course, learners=4, score=6)
    flavour = get_flavour("moodle")
    course = Course.objects.create(
        platform=platform,
        context_id=sb_course.context_id,
        lineitems_url=flavour.lineitems_url(sb_course),
        memberships_url=flavour.memberships_url(sb_course),
    )
    # The results read hangs in the LMS long enough to kill the worker in the middle.
    set_fault(platform=sp, kind="slow", target="results", times=1, delay_seconds=6)
    assert request_sync(course_id=course.pk, trigger="manual") is True
    # The roster is stored while the columns' first result pages are on their way (the
    # sync asks for them first), so the slow one is still hanging once the roster is in.
    wait_for(
        lambda: Enrolment.objects.filter(course=course).count() >= 4,
        timeout=60,
        what="the worker to store the roster",
    )
    os.killpg(celery_worker.pid, signal.SIGKILL)
    celery_worker.wait(timeout=10)
    run = SyncRun.objects.get(course=course)
    assert run.outcome == "running"  # what a kill leaves behind

    settings.SYNC_STALE_AFTER_SECONDS = 2
    time.sleep(2.5)
    shown = latest_run(course)  # what the dashboard and the status view read
    assert shown.pk == run.pk and shown.outcome == "failed"
    assert "stopped without finishing" in shown.error and shown.finished_at
    assert not sync_in_flight(course_id=course.pk)  # the dead run's lock is released
    assert request_sync(course_id=course.pk, trigger="manual") is True
