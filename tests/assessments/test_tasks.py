"""Debounced sync requests, the task, the periodic dispatcher, the launch hook."""

from django.core.cache import cache

from assessments import tasks
from assessments.models import Course, SyncRun
from lti_tool.launch_context import start_launch_session
from lti_tool.signals import launch_verified

from .conftest import seed


def test_request_sync_runs_once_and_releases_the_lock(env):
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    assert tasks.request_sync(course_id=course.pk, trigger="manual") is True
    assert SyncRun.objects.get(course=course).outcome == "succeeded"
    assert not tasks.sync_in_flight(course_id=course.pk)


def test_request_sync_is_debounced_while_one_is_in_flight(env):
    lms, platform, course = env
    cache.add(tasks._lock_key(course.pk), "launch", 60)  # a sync queued by someone else
    assert tasks.request_sync(course_id=course.pk, trigger="manual") is False
    assert not SyncRun.objects.exists()


def test_task_skips_concluded_and_disabled_courses(env):
    lms, platform, course = env
    Course.objects.filter(pk=course.pk).update(concluded=True)
    assert tasks.sync_course_task.apply(kwargs={"course_id": course.pk}).get() == "skipped"
    assert not SyncRun.objects.exists()


def test_task_is_idempotent(env):
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    tasks.sync_course_task.apply(kwargs={"course_id": course.pk}).get()
    tasks.sync_course_task.apply(kwargs={"course_id": course.pk}).get()
    runs = list(SyncRun.objects.order_by("id").values_list("new_results", "unchanged_results"))
    assert runs == [(2, 0), (0, 2)]


def test_dispatcher_spreads_active_courses_only(env):
    lms, platform, course = env
    seed(lms, learners=1, items=1)
    Course.objects.create(
        platform=platform, context_id="done", lineitems_url=lms.lineitems_url, concluded=True
    )
    Course.objects.create(
        platform=platform, context_id="off", lineitems_url=lms.lineitems_url, sync_enabled=False
    )
    Course.objects.create(platform=platform, context_id="nothing")
    assert tasks.dispatch_periodic_syncs.apply().get() == 1
    assert list(SyncRun.objects.values_list("course_id", "trigger")) == [(course.pk, "periodic")]
    offsets = {tasks.spread_offset(course_id=i, interval_s=300) for i in range(1, 200)}
    assert len(offsets) > 100 and all(0 <= o < 300 for o in offsets)


def test_dispatcher_skips_registrations_needing_attention(env):
    lms, platform, course = env
    type(platform).objects.filter(pk=platform.pk).update(needs_attention="scope missing")
    assert tasks.dispatch_periodic_syncs.apply().get() == 0


def test_a_verified_launch_syncs_the_course(env):
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    learner = course.enrolments.model.learner.field.related_model.objects.create(
        platform=platform, sub="u0"
    )
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
    run = SyncRun.objects.get(course=course)
    assert run.trigger == "launch" and run.outcome == "succeeded"


def _hold_countdown_messages(monkeypatch) -> list[dict]:
    """What the broker does with a countdown: it keeps the message until the time comes
    (eager Celery would run it at once). Messages without a countdown go through."""
    held: list[dict] = []
    send = tasks.sync_course_task.apply_async

    def apply_async(*, kwargs, countdown=None):
        if countdown:
            held.append(kwargs)
            return None
        return send(kwargs=kwargs, countdown=countdown)

    monkeypatch.setattr(tasks.sync_course_task, "apply_async", apply_async)
    return held


def test_sync_now_is_not_held_back_by_a_merely_scheduled_periodic_sync(env, monkeypatch):
    lms, platform, course = env
    seed(lms, learners=2, items=1)
    held = _hold_countdown_messages(monkeypatch)
    assert tasks.dispatch_periodic_syncs.apply().get() == 1
    assert len(held) == 1 and not SyncRun.objects.exists()
    assert not tasks.sync_in_flight(course_id=course.pk)  # the dashboard offers Sync now
    assert tasks.request_sync(course_id=course.pk, trigger="manual") is True
    assert list(SyncRun.objects.values_list("trigger", "outcome")) == [("manual", "succeeded")]
    assert not tasks.sync_in_flight(course_id=course.pk)
    # The periodic one still runs when its time comes (a sync is idempotent).
    assert tasks.sync_course_task.apply(kwargs=held[0]).get() == "succeeded"
    assert SyncRun.objects.filter(trigger="periodic").count() == 1
    assert cache.get(tasks._lock_key(course.pk)) is None


def test_a_superseded_periodic_sync_neither_runs_beside_nor_unlocks_the_newer_one(env, monkeypatch):
    lms, platform, course = env
    held = _hold_countdown_messages(monkeypatch)
    assert tasks.request_sync(course_id=course.pk, trigger="periodic", countdown=120) is True
    # A teacher's sync took the lock over and is running (its message still in the queue).
    monkeypatch.setattr(tasks.sync_course_task, "apply_async", lambda **kw: held.append(kw))
    assert tasks.request_sync(course_id=course.pk, trigger="manual") is True
    newer = cache.get(tasks._lock_key(course.pk))
    assert tasks.sync_course_task.apply(kwargs=held[0]).get() == "superseded"
    assert cache.get(tasks._lock_key(course.pk)) == newer and not SyncRun.objects.exists()
    # A second Sync now while the first is queued or running is still debounced.
    assert tasks.request_sync(course_id=course.pk, trigger="manual") is False
    assert tasks.sync_in_flight(course_id=course.pk)
