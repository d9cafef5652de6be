"""The periodic dispatcher is registered with Celery beat; the evidence admin is read-only."""

import pytest
from django.contrib.auth.models import User

from assessments.models import SyncRun


def test_dispatcher_is_in_the_beat_schedule(settings):
    from config.celery import app

    entry = app.conf.beat_schedule["assessments-dispatch-periodic-syncs"]
    assert entry["task"] == "assessments.dispatch_periodic_syncs"
    assert entry["schedule"] == float(settings.SYNC_INTERVAL_SECONDS)
    assert "assessments.dispatch_periodic_syncs" in app.tasks


@pytest.mark.django_db
def test_admin_lists_sync_runs_and_refuses_edits(client, env):
    lms, platform, course = env
    run = SyncRun.objects.create(
        course=course, started_at=course.created_at, outcome="failed", error="<b>bad</b>"
    )
    admin = User.objects.create_superuser("root", "root@example.edu", "pw")
    client.force_login(admin)
    listing = client.get("/admin/assessments/syncrun/")
    assert listing.status_code == 200 and "failed" in listing.content.decode()
    assert client.get("/admin/assessments/result/add/").status_code == 403
    assert (
        client.post(f"/admin/assessments/syncrun/{run.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/assessments/course/").status_code == 200
