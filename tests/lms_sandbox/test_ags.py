"""AGS over real HTTP in both flavours: line items, results, scores and their quirks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from lms_sandbox.flavours import get_flavour
from lms_sandbox.flavours.base import MT_LINEITEM, MT_LINEITEMS, MT_RESULTS, MT_SCORE
from lms_sandbox.gradebook import enter_grade
from lms_sandbox.models import SCOPE_LINEITEM_READONLY, SandboxLineItem
from lms_sandbox.seed import course_users

from .conftest import get_token

pytestmark = pytest.mark.django_db(transaction=True)


class Svc:
    def __init__(self, http, sp, scopes=None):
        self.http, self.sp = http, sp
        self.auth = {"Authorization": f"Bearer {get_token(http, sp, scopes)}"}

    def get(self, url, accept):
        return self.http.get(url, headers={**self.auth, "Accept": accept})

    def send(self, method, url, body, ctype):
        return self.http.request(
            method, url, data=json.dumps(body), headers={**self.auth, "Content-Type": ctype}
        )


def now_iso(delta=0.0):
    return (datetime.now(UTC) + timedelta(seconds=delta)).isoformat()


def score(user, given, maximum=100, **extra):
    return {
        "userId": user.sub,
        "scoreGiven": given,
        "scoreMaximum": maximum,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": now_iso(),
        **extra,
    }


@pytest.fixture(params=["moodle", "canvas"])
def course(request, moodle_course, canvas_course):
    return moodle_course if request.param == "moodle" else canvas_course


def test_create_list_get_update_delete(course, http):
    fl, svc = get_flavour(course.platform), Svc(http, course.platform)
    r = svc.send(
        "POST",
        fl.lineitems_url(course),
        {
            "label": "Criterion 1",
            "scoreMaximum": 4,
            "tag": "credbridge:criterion:1",
            "resourceId": "c1",
        },
        MT_LINEITEM,
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["label"] == "Criterion 1" and created["scoreMaximum"] == 4
    url = created["id"]
    got = svc.get(url, MT_LINEITEM)
    assert got.status_code == 200 and got.json()["tag"] == "credbridge:criterion:1"
    assert got.headers["Content-Type"].startswith(MT_LINEITEM)
    listed = svc.get(fl.lineitems_url(course, {"tag": "credbridge:criterion:1"}), MT_LINEITEMS)
    assert [i["id"] for i in listed.json()] == [url]
    put = svc.send("PUT", url, {"label": "Renamed", "scoreMaximum": 8}, MT_LINEITEM)
    assert put.status_code == 200 and put.json()["label"] == "Renamed"
    assert SandboxLineItem.objects.get(label="Renamed").score_maximum == 8
    assert svc.http.delete(url, headers=svc.auth).status_code == 204
    assert svc.get(url, MT_LINEITEM).status_code == 404


def test_moodle_line_item_urls_put_the_suffix_before_the_query(moodle_course, http):
    fl, svc = get_flavour(moodle_course.platform), Svc(http, moodle_course.platform)
    created = svc.send(
        "POST", fl.lineitems_url(moodle_course), {"label": "X", "scoreMaximum": 10}, MT_LINEITEM
    ).json()
    assert created["id"].endswith(f"/lineitem?type_id={moodle_course.platform.type_id}")
    scores_url = created["id"].replace("/lineitem?", "/lineitem/scores?")
    learner = course_users(moodle_course, "learner")[0]
    r = svc.send("POST", scores_url, score(learner, 7.5, 10, comment="well done"), MT_SCORE)
    assert r.status_code == 200 and r.content == b""
    results = svc.get(created["id"].replace("/lineitem?", "/lineitem/results?"), MT_RESULTS).json()
    # Moodle rescales to the grade item's maximum: 7.5/10 reads back 75% of 10 = 7.5.
    assert results[0]["resultScore"] == 7.5 and results[0]["resultMaximum"] == 10
    assert results[0]["comment"] == "well done" and results[0]["timestamp"].endswith("+00:00")


def test_moodle_rescales_to_the_column_maximum(moodle_course, http):
    fl, svc = get_flavour(moodle_course.platform), Svc(http, moodle_course.platform)
    li = moodle_course.line_items.get()  # the activity's own column, maximum 100
    learner = course_users(moodle_course, "learner")[0]
    svc.send("POST", fl.lineitem_url(li, "/scores"), score(learner, 7.5, 10), MT_SCORE)
    res = svc.get(fl.lineitem_url(li, "/results"), MT_RESULTS).json()
    assert res == [
        {
            "id": fl.lineitem_url(li, "/results", {"user_id": learner.sub}),
            "userId": learner.sub,
            "resultScore": 75,
            "resultMaximum": 100,
            "scoreOf": fl.lineitem_url(li),
            "timestamp": res[0]["timestamp"],
        }
    ]


def test_moodle_refuses_application_json(moodle_course, http):
    fl, svc = get_flavour(moodle_course.platform), Svc(http, moodle_course.platform)
    r = svc.get(fl.lineitems_url(moodle_course), "application/json")
    assert r.status_code == 400
    assert r.json()["reason"].startswith("No handler found for")


def test_canvas_accepts_any_accept(canvas_course, http):
    fl, svc = get_flavour(canvas_course.platform), Svc(http, canvas_course.platform)
    r = svc.get(fl.lineitems_url(canvas_course), "application/json")
    assert r.status_code == 200
    assert "X-Request-Cost" in r.headers


def test_moodle_409_on_same_second_scores(moodle_course, http):
    fl, svc = get_flavour(moodle_course.platform), Svc(http, moodle_course.platform)
    li = moodle_course.line_items.get()
    learner = course_users(moodle_course, "learner")[0]
    stamp = datetime.now(UTC).replace(microsecond=100)
    first = score(learner, 50, timestamp=stamp.isoformat())
    second = score(learner, 60, timestamp=stamp.replace(microsecond=900000).isoformat())
    assert svc.send("POST", fl.lineitem_url(li, "/scores"), first, MT_SCORE).status_code == 200
    r = svc.send("POST", fl.lineitem_url(li, "/scores"), second, MT_SCORE)
    assert r.status_code == 409
    later = score(learner, 70, timestamp=(stamp + timedelta(seconds=1)).isoformat())
    assert svc.send("POST", fl.lineitem_url(li, "/scores"), later, MT_SCORE).status_code == 200


def test_moodle_teacher_override_wins_silently(moodle_course, http):
    fl, svc = get_flavour(moodle_course.platform), Svc(http, moodle_course.platform)
    li = moodle_course.line_items.get()
    learner = course_users(moodle_course, "learner")[0]
    enter_grade(line_item=li, user=learner, score=90, feedback="Good")
    r = svc.send(
        "POST", fl.lineitem_url(li, "/scores"), score(learner, 10, timestamp=now_iso(2)), MT_SCORE
    )
    assert r.status_code == 200
    res = svc.get(fl.lineitem_url(li, "/results"), MT_RESULTS).json()
    assert res[0]["resultScore"] == 90 and "comment" not in res[0]


def test_moodle_score_without_score_given_erases(moodle_course, http):
    fl, svc = get_flavour(moodle_course.platform), Svc(http, moodle_course.platform)
    li = moodle_course.line_items.get()
    learner = course_users(moodle_course, "learner")[0]
    svc.send("POST", fl.lineitem_url(li, "/scores"), score(learner, 10), MT_SCORE)
    erase = {
        "userId": learner.sub,
        "activityProgress": "InProgress",
        "gradingProgress": "NotReady",
        "timestamp": now_iso(2),
    }
    assert svc.send("POST", fl.lineitem_url(li, "/scores"), erase, MT_SCORE).status_code == 200
    assert svc.get(fl.lineitem_url(li, "/results"), MT_RESULTS).json() == []


def test_only_learners_can_be_scored(course, http):
    fl, svc = get_flavour(course.platform), Svc(http, course.platform)
    li = SandboxLineItem.objects.create(course=course, label="L", score_maximum=10)
    teacher = course_users(course, "instructor")[0]
    r = svc.send("POST", fl.lineitem_url(li, "/scores"), score(teacher, 5, 10), MT_SCORE)
    assert r.status_code == (400 if course.platform.flavour == "moodle" else 422)


def test_score_needs_score_maximum(course, http):
    fl, svc = get_flavour(course.platform), Svc(http, course.platform)
    li = SandboxLineItem.objects.create(course=course, label="L", score_maximum=10)
    learner = course_users(course, "learner")[0]
    body = score(learner, 5)
    del body["scoreMaximum"]
    assert svc.send("POST", fl.lineitem_url(li, "/scores"), body, MT_SCORE).status_code in (
        400,
        422,
    )


def test_canvas_score_answer_and_results_without_timestamps(canvas_course, http):
    fl, svc = get_flavour(canvas_course.platform), Svc(http, canvas_course.platform)
    li = SandboxLineItem.objects.create(course=canvas_course, label="L", score_maximum=4)
    learners = course_users(canvas_course, "learner")
    ext = {"new_submission": False, "prioritize_non_tool_grade": True}
    r = svc.send(
        "POST",
        fl.lineitem_url(li, "/scores"),
        score(
            learners[0],
            100,
            100,
            comment="issued",
            **{"https://canvas.instructure.com/lti/submission": ext},
        ),
        MT_SCORE,
    )
    assert r.status_code == 200, r.text
    assert r.json()["https://canvas.instructure.com/lti/submission"] == {"content_items": []}
    res = svc.get(fl.lineitem_url(li, "/results"), MT_RESULTS).json()
    # only the scored learner is listed; no timestamp; the extension is echoed back
    assert len(res) == 1 and res[0]["userId"] == learners[0].sub
    assert res[0]["resultScore"] == 4.0 and "timestamp" not in res[0]
    assert res[0]["https://canvas.instructure.com/lti/submission"] == ext
    assert svc.get(r.json()["resultUrl"], MT_RESULTS).json()["id"] == r.json()["resultUrl"]


def test_canvas_stale_timestamp_gets_400(canvas_course, http):
    fl, svc = get_flavour(canvas_course.platform), Svc(http, canvas_course.platform)
    li = SandboxLineItem.objects.create(course=canvas_course, label="L", score_maximum=4)
    learner = course_users(canvas_course, "learner")[0]
    svc.send("POST", fl.lineitem_url(li, "/scores"), score(learner, 1, 4), MT_SCORE)
    same = score(learner, 1, 4)
    assert svc.send("POST", fl.lineitem_url(li, "/scores"), same, MT_SCORE).status_code == 200
    # an equal timestamp (a retry) is accepted
    assert svc.send("POST", fl.lineitem_url(li, "/scores"), same, MT_SCORE).status_code == 200
    stale = score(learner, 2, 4, timestamp=now_iso(-3600))
    r = svc.send("POST", fl.lineitem_url(li, "/scores"), stale, MT_SCORE)
    assert r.status_code == 400 and r.json()["errors"]["type"] == "bad_request"


def test_canvas_coupled_line_item_cannot_be_deleted(canvas_course, http):
    fl, svc = get_flavour(canvas_course.platform), Svc(http, canvas_course.platform)
    li = SandboxLineItem.objects.create(
        course=canvas_course, label="UI", score_maximum=4, created_by_tool=False
    )
    r = svc.http.delete(fl.lineitem_url(li), headers=svc.auth)
    assert r.status_code == 401 and r.content == b""


def test_scope_is_checked(course, http):
    fl, svc = get_flavour(course.platform), Svc(http, course.platform, [SCOPE_LINEITEM_READONLY])
    assert svc.get(fl.lineitems_url(course), MT_LINEITEMS).status_code == 200
    r = svc.send("POST", fl.lineitems_url(course), {"label": "x", "scoreMaximum": 1}, MT_LINEITEM)
    assert r.status_code == 401
    li = SandboxLineItem.objects.create(course=course, label="L", score_maximum=10)
    assert svc.get(fl.lineitem_url(li, "/results"), MT_RESULTS).status_code == 401


def test_missing_or_bad_token_is_401(course, http):
    fl = get_flavour(course.platform)
    assert http.get(fl.lineitems_url(course), headers={"Accept": MT_LINEITEMS}).status_code == 401
    r = http.get(
        fl.lineitems_url(course), headers={"Accept": MT_LINEITEMS, "Authorization": "Bearer nope"}
    )
    assert r.status_code == 401


def test_other_platforms_token_is_refused(moodle_course, canvas_course, http):
    svc = Svc(http, canvas_course.platform)
    fl = get_flavour(moodle_course.platform)
    r = svc.get(fl.lineitems_url(moodle_course), MT_LINEITEMS)
    assert r.status_code == 401


def test_bad_line_item_bodies(course, http):
    fl, svc = get_flavour(course.platform), Svc(http, course.platform)
    for body in (
        {"label": "x"},
        {"scoreMaximum": 3},
        {"label": "x", "scoreMaximum": -1},
        {"label": "x", "scoreMaximum": 3, "resourceLinkId": "nope"},
        [],
    ):
        r = svc.send("POST", fl.lineitems_url(course), body, MT_LINEITEM)
        assert r.status_code in (400, 404), body


def test_other_tools_line_items_are_invisible(course, http):
    fl, svc = get_flavour(course.platform), Svc(http, course.platform)
    foreign = SandboxLineItem.objects.create(
        course=course, label="Quiz of another tool", score_maximum=10, other_tool=True
    )
    labels = [i["label"] for i in svc.get(fl.lineitems_url(course), MT_LINEITEMS).json()]
    assert "Quiz of another tool" not in labels
    r = svc.get(fl.lineitem_url(foreign), MT_LINEITEM)
    assert r.status_code == (412 if course.platform.flavour == "canvas" else 404)


def test_expired_token_is_refused_as_expired(canvas_course, http):
    from django.core.cache import cache

    from lms_sandbox.tokens import _token_key

    sp = canvas_course.platform
    fl, svc = get_flavour(sp), Svc(http, sp)
    token = svc.auth["Authorization"].split()[1]
    key = _token_key(sp, token)
    cache.set(key, {**cache.get(key), "exp": 0}, 60)
    r = svc.get(fl.lineitems_url(canvas_course), MT_LINEITEMS)
    assert r.status_code == 401 and r.json()["errors"]["message"] == "Access token expired"


def test_moodle_dates_a_cleared_grade_with_its_own_clock(moodle_course, http):
    """lib/grade/grade_item.php update_final_grade: clearing a grade on an AGS-created column
    sets timemodified = time(), and scores.php then answers 409 to any score not newer than
    that, whatever the clearing score's own timestamp said."""
    fl, svc = get_flavour(moodle_course.platform), Svc(http, moodle_course.platform)
    created = svc.send(
        "POST",
        fl.lineitems_url(moodle_course),
        {"label": "Credential", "scoreMaximum": 1},
        MT_LINEITEM,
    )
    assert created.status_code == 201, created.text
    column = SandboxLineItem.objects.filter(course=moodle_course).latest("pk")
    assert column.created_by_tool  # Moodle's itemtype 'manual'
    scores = fl.lineitem_url(column, "/scores")
    learner = course_users(moodle_course, "learner")[0]
    assert svc.send("POST", scores, score(learner, 1, 1, timestamp=now_iso(-10)), MT_SCORE).ok
    clear = {
        "userId": learner.sub,
        "activityProgress": "Initialized",
        "gradingProgress": "NotReady",
        "timestamp": now_iso(-5),  # the tool's clock runs behind Moodle's
    }
    assert svc.send("POST", scores, clear, MT_SCORE).status_code == 200
    # Newer than the clearing score's timestamp, not newer than the moment of the clear.
    late = svc.send("POST", scores, score(learner, 1, 1, timestamp=now_iso(-2)), MT_SCORE)
    assert late.status_code == 409
    later = svc.send("POST", scores, score(learner, 1, 1, timestamp=now_iso(2)), MT_SCORE)
    assert later.status_code == 200


def test_moodle_activity_grade_cleared_without_feedback_keeps_no_date(moodle_course, http):
    """grade_item::update_raw_grade: no grade and no feedback → timemodified null, so the
    next score is not compared with anything."""
    fl, svc = get_flavour(moodle_course.platform), Svc(http, moodle_course.platform)
    li = moodle_course.line_items.get()  # the activity's own column
    learner = course_users(moodle_course, "learner")[0]
    url = fl.lineitem_url(li, "/scores")
    assert svc.send("POST", url, score(learner, 5, timestamp=now_iso(-10)), MT_SCORE).ok
    clear = {
        "userId": learner.sub,
        "activityProgress": "Initialized",
        "gradingProgress": "NotReady",
        "timestamp": now_iso(-5),
    }
    assert svc.send("POST", url, clear, MT_SCORE).status_code == 200
    assert svc.send("POST", url, score(learner, 6, timestamp=now_iso(-8)), MT_SCORE).ok
