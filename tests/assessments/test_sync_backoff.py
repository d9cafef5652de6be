"""Periodic syncs back off on quiet courses and come back to the base interval after a
change or a launch (assessments.sync_schedule)."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from assessments import tasks
from assessments.launches import CONTEXT_CLAIM, record_launch
from assessments.models import Course, Learner, SyncRun
from assessments.sync import sync_course
from assessments.sync_schedule import sync_interval
from lti_tool.launch_context import start_launch_session
from lti_tool.signals import launch_verified

from .conftest import seed


def test_the_interval_doubles_while_quiet_up_to_the_cap():
    schedule = [sync_interval(quiet_syncs=n, base_s=300, max_s=3600) for n in range(7)]
    assert schedule == [300, 600, 1200, 2400, 3600, 3600, 3600]
    # A cap below the base never makes syncs more frequent than the base.
    assert sync_interval(quiet_syncs=3, base_s=300, max_s=60) == 300


@pytest.fixture
def timing(settings):
    settings.SYNC_INTERVAL_SECONDS = 300
    settings.SYNC_MAX_INTERVAL_SECONDS = 1200


def _due_in(course: Course) -> float:
    course.refresh_from_db()
    run = SyncRun.objects.filter(course=course).latest("pk")
    return (course.next_sync_at - run.finished_at).total_seconds()


def test_quiet_syncs_back_off_and_a_change_brings_the_base_back(env, timing):
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    sync_course(course=course, trigger="periodic")  # finds the results: not quiet
    assert (course.quiet_syncs, _due_in(course)) == (0, 300)
    for expected in (600, 1200, 1200):
        sync_course(course=course, trigger="periodic")
        assert _due_in(course) == expected
    assert course.quiet_syncs == 3
    lms.set_result(1, "u0", score=9, maximum=10)  # a grade changes in the LMS
    sync_course(course=course, trigger="periodic")
    assert (course.quiet_syncs, _due_in(course)) == (0, 300)


def test_a_failed_sync_keeps_the_streak(env, timing):
    lms, platform, course = env
    Course.objects.filter(pk=course.pk).update(quiet_syncs=2)
    course.refresh_from_db()
    lms.inject(match=urlsplit(lms.lineitems_url).path, status=400, body="refused", times=50)
    run = sync_course(course=course, trigger="periodic")
    assert run.outcome == "failed"
    assert course.quiet_syncs == 2


def test_dispatcher_queues_only_courses_due_within_the_interval(env, timing):
    lms, platform, course = env
    seed(lms, learners=1, items=1)
    later = Course.objects.create(
        platform=platform,
        context_id="quiet",
        lineitems_url=lms.lineitems_url,
        quiet_syncs=3,
        next_sync_at=timezone.now() + timedelta(seconds=900),
    )
    soon = Course.objects.create(
        platform=platform,
        context_id="soon",
        lineitems_url=lms.lineitems_url,
        next_sync_at=timezone.now() + timedelta(seconds=200),
    )
    assert tasks.dispatch_periodic_syncs.apply().get() == 2
    synced = set(SyncRun.objects.values_list("course_id", flat=True))
    assert synced == {course.pk, soon.pk} and later.pk not in synced


def test_a_launch_brings_a_quiet_course_back_to_the_base_interval(env, timing):
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    sync_course(course=course, trigger="periodic")
    for _ in range(3):
        sync_course(course=course, trigger="periodic")
    course.refresh_from_db()
    assert course.quiet_syncs == 3
    # The verified launch's record: back to the base interval, due at the next dispatch.
    record_launch(
        platform=platform, claims={"sub": "u0", CONTEXT_CLAIM: {"id": course.context_id}}, roles=[]
    )
    course.refresh_from_db()
    assert (course.quiet_syncs, course.next_sync_at) == (0, None)
    learner = Learner.objects.get(platform=platform, sub="u0")
    launch = start_launch_session(
        platform_id=platform.pk,
        deployment_id="1",
        context_id=course.context_id,
        course_id=course.pk,
        user_sub="u0",
        learner_id=learner.pk,
        roles={"learner"},
    )
    launch_verified.send(
        sender=None, platform=platform, course=course, learner=learner, launch=launch
    )
    # The launch's own sync found nothing new, yet the next periodic one is at the base.
    assert SyncRun.objects.filter(course=course).latest("pk").trigger == "launch"
    assert (Course.objects.get(pk=course.pk).quiet_syncs, _due_in(course)) == (0, 300)
