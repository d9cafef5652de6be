"""Sync runs whose worker died (killed, out of memory, restarted) are recorded as failed,
shown as such, and no longer block a new sync; live runs are left alone."""

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from assessments import tasks
from assessments.models import SyncRun
from assessments.sync_runs import fail_stale_runs
from lti_tool.launch_context import start_launch_session

from .conftest import seed


def _teacher(course):
    return start_launch_session(
        platform_id=course.platform_id,
        deployment_id="1",
        context_id=course.context_id,
        course_id=course.pk,
        user_sub="t1",
        learner_id=None,
        roles={"instructor"},
    )


def _left_running(course, *, minutes_silent: float, lock_minutes_ago: float | None = None):
    """What a killed worker leaves behind: a run still "running", and the course's lock."""
    now = timezone.now()
    run = SyncRun.objects.create(
        course=course,
        trigger="manual",
        started_at=now - timedelta(minutes=minutes_silent + 1),
        heartbeat_at=now - timedelta(minutes=minutes_silent),
        pages=3,
    )
    if lock_minutes_ago is not None:
        taken = (now - timedelta(minutes=lock_minutes_ago)).timestamp()
        cache.set(tasks._lock_key(course.pk), f"manual@{taken:.3f}", 1800)
    return run


def test_a_dead_run_shows_failed_and_a_new_sync_may_start(env, client):
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    dead = _left_running(course, minutes_silent=16, lock_minutes_ago=18)
    teacher = _teacher(course)
    status = client.get(
        f"/courses/{course.pk}/sync-status", HTTP_X_LAUNCH_TOKEN=teacher.token
    ).json()
    assert status["last_run"]["outcome"] == "failed"
    assert "stopped without finishing" in status["last_run"]["error"]
    assert status["in_flight"] is False  # its lock was released
    dead.refresh_from_db()
    assert dead.outcome == "failed" and dead.finished_at and "no sign of life" in dead.detail
    fragment = client.get(
        f"/courses/{course.pk}/sync-status?format=html", HTTP_X_LAUNCH_TOKEN=teacher.token
    ).content.decode()
    assert "Failed" in fragment and "Running" not in fragment and 'role="status"' not in fragment
    started = client.post(f"/courses/{course.pk}/sync", {"lt": teacher.token}).json()
    assert started["queued"] is True and started["last_run"]["outcome"] == "succeeded"


def test_the_instructor_dashboard_never_says_running_for_a_dead_run(env, client):
    lms, platform, course = env
    _left_running(course, minutes_silent=30)
    page = client.get(f"/course/?lt={_teacher(course).token}").content.decode()
    assert "Failed" in page and "stopped without finishing" in page
    assert SyncRun.objects.get().outcome == "failed"


def test_a_live_run_and_a_later_lock_are_left_alone(env, settings):
    lms, platform, course = env
    settings.SYNC_STALE_AFTER_SECONDS = 600
    live = _left_running(course, minutes_silent=2, lock_minutes_ago=3)
    assert fail_stale_runs() == 0
    live.refresh_from_db()
    assert live.outcome == "running" and tasks.sync_in_flight(course_id=course.pk)
    # A dead run, but the lock was taken after it started (a sync queued since): kept.
    SyncRun.objects.all().delete()
    _left_running(course, minutes_silent=20, lock_minutes_ago=1)
    assert fail_stale_runs(course_id=course.pk) == 1
    assert tasks.sync_in_flight(course_id=course.pk)


def test_the_periodic_beat_records_dead_runs_of_every_course(env):
    lms, platform, course = env
    seed(lms, learners=1, items=1)
    dead = _left_running(course, minutes_silent=20, lock_minutes_ago=25)
    assert tasks.dispatch_periodic_syncs.apply().get() == 1  # the course is synced again
    dead.refresh_from_db()
    assert dead.outcome == "failed"
    assert SyncRun.objects.filter(trigger="periodic", outcome="succeeded").count() == 1


def test_a_run_beats_while_it_stores_pages(env, monkeypatch):
    from assessments import sync_runs
    from assessments.sync import sync_course

    lms, platform, course = env
    seed(lms, learners=5, items=2)
    beats = []
    real = sync_runs.SyncRun.objects.filter

    def watch(*args, **kwargs):
        qs = real(*args, **kwargs)
        if kwargs.get("outcome") == SyncRun.Outcome.RUNNING and "pk" in kwargs:
            beats.append(kwargs["pk"])
        return qs

    monkeypatch.setattr(sync_runs, "BEAT_EVERY_S", 0.0)
    monkeypatch.setattr(sync_runs.SyncRun.objects, "filter", watch)
    run = sync_course(course=course)
    assert run.outcome == "succeeded" and len(beats) >= run.pages
    assert run.heartbeat_at and run.heartbeat_at >= run.started_at
