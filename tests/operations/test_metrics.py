"""/metrics and `manage.py metrics`: sync lag, queue depth, issuance counts; never public."""

from __future__ import annotations

import contextlib
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from assessments.models import Course, SyncRun
from awarding.award_issuance import issue_award
from awarding.decide import evaluate_learners
from awarding.models import Award
from awarding.revoke import revoke_award
from operations.figures import NOT_APPLICABLE, queue_depth, snapshot
from tests.awarding.factories import make_course
from tests.awarding.scenario import build
from tests.celery_conf import celery_conf

pytestmark = pytest.mark.django_db
TOKEN = "m" * 20 + "-scrape-token-0123456789"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


# --- from the attacker's side ------------------------------------------------------------


def test_without_a_token_configured_anonymous_visitors_find_nothing(client):
    response = client.get("/metrics")
    assert response.status_code == 404
    assert b"credbridge_" not in response.content


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer wrong-token-of-the-same-length-00000000000",
        f"Basic {TOKEN}",
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN}x",
        "Bearer ",
    ],
)
def test_a_wrong_or_missing_token_gets_401(client, token, authorization):
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    response = client.get("/metrics", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"credbridge_" not in response.content


def test_a_signed_in_user_who_is_not_staff_gets_nothing(client, token):
    user = get_user_model().objects.create_user("learner", password="x")
    client.force_login(user)
    assert client.get("/metrics").status_code == 401


def test_only_get_is_answered(client, token):
    response = client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 405


# --- who may read it -----------------------------------------------------------------------


def test_the_scraper_with_the_token_reads_prometheus_text(client, token):
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.content.decode()
    assert "# TYPE credbridge_sync_lag_max_seconds gauge" in body
    assert 'credbridge_credentials_issued{window="24h"} 0' in body


def test_staff_read_it_without_a_token(client):
    staff = get_user_model().objects.create_user("ops", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get("/metrics").status_code == 200


# --- the figures ---------------------------------------------------------------------------


def test_sync_lag_counts_from_the_last_successful_sync_or_from_creation():
    now = timezone.now()
    synced = make_course()
    never = make_course()
    concluded = make_course()
    for course in (synced, never, concluded):
        course.lineitems_url = f"{course.platform.issuer}/lineitems"
        course.save()
    Course.objects.filter(pk=never.pk).update(created_at=now - timedelta(hours=2))
    Course.objects.filter(pk=concluded.pk).update(concluded=True)
    SyncRun.objects.create(
        course=synced,
        started_at=now - timedelta(minutes=11),
        finished_at=now - timedelta(minutes=10),
        outcome=SyncRun.Outcome.SUCCEEDED,
    )
    # A later failure does not reset the lag: only a success does.
    SyncRun.objects.create(
        course=synced,
        started_at=now - timedelta(minutes=2),
        finished_at=now - timedelta(minutes=1),
        outcome=SyncRun.Outcome.FAILED,
    )
    lags = {lag.course_id: lag for lag in snapshot(now=now).sync_lag}
    assert set(lags) == {synced.pk, never.pk}
    assert lags[synced.pk].lag_seconds == pytest.approx(600, abs=1)
    assert lags[never.pk].lag_seconds == pytest.approx(7200, abs=1)
    assert lags[never.pk].last_success is None


def test_issuance_counts_issued_revoked_and_failed_per_window():
    sc = build()
    learners = sc.add_learners(4)
    for learner in learners:
        sc.grade_all(learner, 1.0)
    report = evaluate_learners(
        rule=sc.rule, learner_ids=[learner.pk for learner in learners], trigger="test"
    )
    issued, revoked, old, failing = (Award.objects.get(pk=pk) for pk in sorted(report.to_issue))
    for award in (issued, revoked, old):
        issue_award(award_id=award.pk)
    revoke_award(award=Award.objects.get(pk=revoked.pk), reason="Plagiarism", actor="qa:1")
    Award.objects.filter(pk=old.pk).update(issued_at=timezone.now() - timedelta(days=2))
    # What awarding.tasks records when signing raises: the award stays pending, with the error.
    Award.objects.filter(pk=failing.pk).update(issue_error="KeyError: signing key")

    figures = snapshot()
    counts = {c.window: (c.issued, c.revoked, c.failed) for c in figures.issuance}
    assert counts == {"1h": (2, 1, 1), "24h": (2, 1, 1), "7d": (3, 1, 1)}
    assert figures.pending_awards == 1 and figures.failing_awards == 1


def test_queue_depth_is_not_applicable_in_process():
    assert queue_depth().state == NOT_APPLICABLE


def test_a_dead_broker_is_a_reading_not_an_error(client):
    with celery_conf(broker_url="redis://127.0.0.1:9/0", task_always_eager=False):
        started = time.monotonic()
        depth = queue_depth()
    assert depth.state.startswith("error: ") and depth.waiting is None
    assert time.monotonic() - started < 10


@pytest.mark.redis
def test_queue_depth_counts_the_messages_waiting_in_redis(settings):
    from config.celery import app

    queue = "credbridge-metrics-test"
    with celery_conf(
        broker_url=settings.REDIS_URL, task_always_eager=False, task_default_queue=queue
    ):
        _purge(app, queue)
        for _ in range(3):
            app.send_task("tests.nothing", queue=queue)
        try:
            depth = queue_depth()
        finally:
            _purge(app, queue)
    assert depth.state == "ok" and depth.waiting == 3 and depth.unacked is not None


def _purge(app, queue: str) -> None:
    with (
        app.connection_for_write() as connection,
        contextlib.suppress(*connection.channel_errors),  # not declared yet
    ):
        connection.default_channel.queue_purge(queue)


# --- the command ---------------------------------------------------------------------------


def test_the_command_prints_each_figure(capsys):
    course = make_course()
    course.lineitems_url = f"{course.platform.issuer}/lineitems"
    course.save()
    call_command("metrics")
    out = capsys.readouterr().out
    assert f"course {course.pk} (platform {course.platform_id})" in out
    assert "last success: never" in out
    assert NOT_APPLICABLE in out
    assert "issued" in out and "revoked" in out and "failed" in out


def test_the_command_prints_what_the_view_serves(capsys):
    call_command("metrics", "--prometheus")
    out = capsys.readouterr().out
    assert out.startswith("# HELP credbridge_course_sync_lag_seconds")
    assert 'credbridge_credentials_revoked{window="7d"} 0' in out
