"""The audit log in words: who (names with role and platform, resolved in one batch), what
(sentences), when (a <time> in the institution's zone), filters, and the CSV of exactly the
filtered events."""

from __future__ import annotations

import csv
import io
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.utils import dateformat, timezone

from assessments.models import Enrolment, Learner
from audit.events import record_event
from audit.models import AuditEvent
from awarding.csv_export import csv_safe
from qa_console.people import describe_actors
from tests.pages.world import make_world
from tests.query_counts import count_queries
from tests.rubrics.conftest import make_course, make_platform, make_qa_user


def _person(platform, course, sub, name, roles):
    person = Learner.objects.create(platform=platform, sub=sub, name=name)
    Enrolment.objects.create(course=course, learner=person, roles=roles)
    return f"lti:{platform.pk}:{sub}"


@pytest.mark.django_db
def test_actor_ids_become_names_with_role_and_platform():
    platform = make_platform(issuer="https://moodle.example.edu")
    course = make_course(platform)
    ana = _person(platform, course, "7", "Ana García", ["instructor"])
    # A roster sync stores the LMS's own role names; they are understood too.
    ben = _person(platform, course, "8", "Ben Ng", ["Learner"])
    qa = User.objects.create_user("quinn", first_name="Quinn", last_name="Q")
    make_qa_user(platform, username="qa2")
    words = describe_actors(
        [
            ana,
            ben,
            f"user:{qa.pk}",
            "system:awarding",
            "dynamic-registration:moodle.example.edu",
            "command:approve_platform",
            f"lti:{platform.pk}:nobody",
            "something:else",
        ]
    )
    assert words[ana] == "Ana García (instructor, Moodle at moodle.example.edu)"
    assert words[ben] == "Ben Ng (learner, Moodle at moodle.example.edu)"
    assert words[f"user:{qa.pk}"] == "Quinn Q (console user)"
    assert words["system:awarding"] == "Automatic awarding"
    assert "moodle.example.edu" in words["dynamic-registration:moodle.example.edu"]
    assert "approve_platform" in words["command:approve_platform"]
    assert words[f"lti:{platform.pk}:nobody"].startswith("Someone on Moodle at")
    assert words["something:else"] == "something:else"  # shown as it is, never dropped
    assert describe_actors([f"user:{User.objects.get(username='qa2').pk}"]).popitem()[1] == (
        "qa2 (quality assurance)"
    )


@pytest.mark.django_db
def test_resolving_a_page_of_actors_takes_the_same_queries_for_2_or_40_people():
    platform = make_platform()
    course = make_course(platform)

    def queries(n: int) -> int:
        ids = [_person(platform, course, f"p{n}-{i}", f"P {i}", ["learner"]) for i in range(n)]
        ids += [f"user:{User.objects.create_user(f'u{n}-{i}').pk}" for i in range(n)]
        with count_queries() as queries:
            describe_actors(ids)
        return len(queries)

    few, many = queries(2), queries(40)
    assert few == many <= 5


def _events(platform, course):
    ana = _person(platform, course, "7", "Ana García", ["instructor"])
    record_event(
        actor=ana,
        action="version.submitted",
        object_type="rubric_version",
        object_id="1",
        platform_id=platform.pk,
    )
    record_event(
        actor="system:awarding",
        action="award.issued",
        object_type="award",
        object_id="=cmd|' /C calc'!A0",
        platform_id=platform.pk,
    )
    return ana


@pytest.mark.django_db
def test_audit_page_says_who_did_what_in_words_with_a_local_time(client, settings):
    settings.TIME_ZONE = "Europe/Madrid"
    timezone.deactivate()
    platform = make_platform(issuer="https://moodle.example.edu")
    course = make_course(platform)
    _events(platform, course)
    client.force_login(make_qa_user(platform))
    page = client.get("/qa/audit/").content.decode()
    assert "Ana García (instructor, Moodle at moodle.example.edu)" in page
    assert "submitted a rubric version for review" in page
    assert "Automatic awarding" in page and "issued a credential" in page
    table = page.split('data-testid="audit-table"')[1]
    assert "lti:" not in table.split("<details>")[0]  # the raw id only inside the details
    event = AuditEvent.objects.get(action="award.issued")
    iso = event.at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    assert f'<time datetime="{iso}" data-local-time>' in page
    # Server side: the institution's zone (settings.TIME_ZONE), named.
    madrid = event.at.astimezone(ZoneInfo("Europe/Madrid"))
    shown = page.split(f'<time datetime="{iso}" data-local-time>')[1].split("</time>")[0]
    assert shown.endswith(("CET", "CEST")), shown
    # Django's "P": "1:30 p.m.", but "1 p.m." on the hour, and "midnight" or "noon".
    assert dateformat.format(madrid, "P") in shown, (shown, madrid)
    assert madrid.strftime("%b") in shown and f" {madrid.day}, " in shown, (shown, madrid)


@pytest.mark.django_db
def test_audit_filters_and_the_csv_of_exactly_the_filtered_events(client):
    platform = make_platform()
    course = make_course(platform)
    ana = _events(platform, course)
    client.force_login(make_qa_user(platform))

    def whats(params):
        page = client.get("/qa/audit/", params).content.decode()
        return [w.split(">", 2)[2].split("<")[0] for w in page.split('data-testid="what"')[1:]]

    assert whats({}) == ["issued a credential", "submitted a rubric version for review"]
    assert whats({"person": ana}) == ["submitted a rubric version for review"]
    assert whats({"kind": "award.issued"}) == ["issued a credential"]
    assert whats({"course": course.pk}) == []  # neither event is about this course's objects
    today = timezone.localdate()
    empty = client.get(
        "/qa/audit/", {"until": today.replace(year=today.year - 1).isoformat()}
    ).content.decode()
    assert "No event matches these filters." in empty
    wrong = client.get("/qa/audit/", {"since": "2026-12-02", "until": "2026-12-01"})
    assert "“From” is after “Until”." in wrong.content.decode()
    response = client.get("/qa/audit.csv", {"kind": "award.issued"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r[6] for r in rows[1:]] == ["award.issued"]
    line = rows[1]
    assert line[1] == "Automatic awarding" and line[2] == "issued a credential"
    # A spreadsheet would run these as formulas: every such cell starts with an apostrophe.
    assert line[8] == "'=cmd|' /C calc'!A0" and line[3].startswith("Credential award ")
    for text in ("=1+1", "+1+1", "-1+1", "@SUM(A1)"):
        assert csv_safe(text) == "'" + text


@pytest.mark.django_db
def test_audit_page_queries_do_not_grow_with_the_number_of_people(client):
    platform = make_platform()
    course = make_course(platform)
    client.force_login(make_qa_user(platform))

    def queries(n: int) -> int:
        for i in range(n):
            actor = _person(platform, course, f"q{n}-{i}", f"Q {i}", ["instructor"])
            record_event(
                actor=actor,
                action="version.edited",
                object_type="rubric_version",
                object_id=str(i),
                platform_id=platform.pk,
            )
        with count_queries() as queries:
            assert client.get("/qa/audit/").status_code == 200
        return len(queries)

    client.get("/qa/audit/")  # the session's first request writes more than later ones
    assert queries(2) == queries(30)


@pytest.mark.django_db
def test_the_course_filter_keeps_events_about_that_courses_rubrics_and_awards(client):
    w = make_world()
    other = make_world(platform=w.platform, course_title="Another course")
    for world in (w, other):
        record_event(
            actor="system:awarding",
            action="version.activated",
            object_type="rubric_version",
            object_id=str(world.version.pk),
            platform_id=w.platform.pk,
        )
    record_event(
        actor="system:awarding",
        action="awarding.notifications.read",
        object_type="assessments.Learner",
        object_id=str(w.learners[0].pk),
        after={"unread": 0, "course_id": w.course.pk},
        platform_id=w.platform.pk,
    )
    client.force_login(make_qa_user(w.platform))
    page = client.get("/qa/audit/", {"course": w.course.pk}).content.decode()
    assert page.count('data-testid="what"') == 2
    assert f"/qa/versions/{w.version.pk}/" in page
    assert f"/qa/versions/{other.version.pk}/" not in page
