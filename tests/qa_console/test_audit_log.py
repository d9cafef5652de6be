"""The audit log in the QA console: the reviewer's platforms only, filters, CSV export that a
spreadsheet cannot run as formulas."""

import csv
import io

import pytest
from django.contrib.auth.models import User

from audit.events import record_event
from audit.models import AuditEvent
from rubrics.workflow import submit
from tests.rubrics.builders import draft_rubric
from tests.rubrics.conftest import instructor_actor, make_qa_user

XSS = "<script>alert('x')</script>"


def _submitted(course, author_sub="teacher-1"):
    teacher = instructor_actor(course, sub=author_sub)
    rubric, version = draft_rubric(course, teacher)
    submit(version=version, actor=teacher)
    return version


@pytest.mark.django_db
def test_audit_log_filters_and_csv(client, course, platform):
    version = _submitted(course)
    record_event(
        actor="=HYPERLINK(evil)",
        action="version.rejected",
        object_type="rubric_version",
        object_id=str(version.pk),
        after={"note": XSS},
        platform_id=platform.pk,
    )
    make_qa_user(platform)
    client.force_login(User.objects.get(username="quinn"))  # axes: login() needs a request
    page = client.get("/qa/audit/").content.decode()
    assert "submitted a rubric version for review" in page and "created a rubric" in page
    assert XSS not in page
    filtered = client.get("/qa/audit/", {"kind": "version.submitted"}).content.decode()
    assert "submitted a rubric version" in filtered and "created a rubric<" not in filtered
    response = client.get("/qa/audit.csv", {"object_type": "rubric_version"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:7] == ["when_utc", "who", "what", "about", "seq", "actor", "action"]
    actions = [r[6] for r in rows[1:]]
    assert "version.submitted" in actions and "rubric.created" not in actions
    assert len(rows) - 1 == AuditEvent.objects.filter(object_type="rubric_version").count()
    evil = next(r for r in rows if r[6] == "version.rejected")
    assert evil[5] == "'=HYPERLINK(evil)" and evil[1] == "'=HYPERLINK(evil)"
