"""The sandbox answers AGS reads as strictly as Moodle 4.5.6 (and Canvas keeps its own ways):
results with `limit` once a column has a grade, and exact media types, over real HTTP."""

from __future__ import annotations

import pytest

from lms_sandbox.flavours import get_flavour
from lms_sandbox.flavours.base import MT_LINEITEMS, MT_RESULTS
from lms_sandbox.gradebook import enter_grade
from lms_sandbox.seed import course_users

from .test_ags import Svc

pytestmark = pytest.mark.django_db(transaction=True)


def _column(course):
    # Moodle's seeded course has the activity a teacher added, with its grade column.
    return course.line_items.filter(other_tool=False).order_by("pk").first()


def test_moodle_results_with_limit_is_an_html_404_once_the_column_has_a_grade(moodle_course, http):
    # mod/lti/service/gradebookservices/classes/local/resources/results.php never sets
    # $lastpage in the type_id branch: `limit` + a grade → PHP error page, 404.
    fl, svc = get_flavour(moodle_course.platform), Svc(http, moodle_course.platform)
    column = _column(moodle_course)
    with_limit = fl.lineitem_url(column, "/results", {"limit": 1000})
    empty = svc.get(with_limit, MT_RESULTS)
    assert empty.status_code == 200 and empty.json() == []
    assert "Link" not in empty.headers  # no grade: the paging block is skipped

    enter_grade(line_item=column, user=course_users(moodle_course, "learner")[0], score=7)
    broken = svc.get(with_limit, MT_RESULTS)
    assert broken.status_code == 404
    assert broken.headers["Content-Type"].startswith("text/html")
    assert broken.text.lstrip().startswith("<!DOCTYPE html>")
    assert "Call to a member function out() on null" in broken.text
    # Any positive limit, with or without `from`.
    for query in ({"limit": 1, "from": 0}, {"limit": 1, "from": 5}):
        assert svc.get(fl.lineitem_url(column, "/results", query), MT_RESULTS).status_code == 404


def test_moodle_results_without_limit_are_all_in_one_response(moodle_course, http):
    sp = moodle_course.platform
    sp.page_size = 2  # the sandbox's paging knob does not make Moodle page results
    sp.save()
    fl, svc = get_flavour(sp), Svc(http, sp)
    column = _column(moodle_course)
    learners = course_users(moodle_course, "learner")
    for n, learner in enumerate(learners):
        enter_grade(line_item=column, user=learner, score=n + 1)
    r = svc.get(fl.lineitem_url(column, "/results"), MT_RESULTS)
    assert r.status_code == 200 and "Link" not in r.headers
    assert sorted(x["userId"] for x in r.json()) == sorted(u.sub for u in learners)
    # `from` without `limit` is ignored, as results.php ignores it.
    again = svc.get(fl.lineitem_url(column, "/results", {"from": 3}), MT_RESULTS)
    assert len(again.json()) == len(learners)


def test_canvas_results_with_limit_still_page(canvas_course, http):
    from lms_sandbox.seed import add_activity

    sp = canvas_course.platform
    fl, svc = get_flavour(sp), Svc(http, sp)
    add_activity(course=canvas_course, title="Criterion column", score_maximum=10)
    column = _column(canvas_course)
    for learner in course_users(canvas_course, "learner"):
        enter_grade(line_item=column, user=learner, score=5)
    r = svc.get(fl.lineitem_url(column, "/results", {"limit": 2}), MT_RESULTS)
    assert r.status_code == 200 and len(r.json()) == 2
    assert 'rel="next"' in r.headers["Link"]


@pytest.mark.parametrize(
    ("accept", "status"),
    [
        (MT_LINEITEMS, 200),
        ("application/json", 400),  # captured: "No handler found"
        (f"{MT_LINEITEMS}, application/json", 400),  # not exactly one of the formats
        (f"{MT_LINEITEMS}; charset=utf-8", 400),
        ("*/*", 200),  # services.php lets */* through
        (None, 200),  # so does an absent Accept
    ],
)
def test_moodle_media_types_are_matched_exactly(moodle_course, http, accept, status):
    # mod/lti/services.php: a GET passes with no Accept, one holding */*, or exactly a format.
    fl, svc = get_flavour(moodle_course.platform), Svc(http, moodle_course.platform)
    r = http.get(fl.lineitems_url(moodle_course), headers={**svc.auth, "Accept": accept})
    assert r.status_code == status, r.text
    if status == 400:
        assert r.json()["reason"].startswith("No handler found for")


def test_moodle_ignores_from_without_limit_on_line_items_and_rosters(moodle_course, http):
    from lms_sandbox.flavours.base import MT_MEMBERSHIPS

    sp = moodle_course.platform
    fl, svc = get_flavour(sp), Svc(http, sp)
    every = svc.get(fl.memberships_url(moodle_course), MT_MEMBERSHIPS).json()["members"]
    skipped = svc.get(f"{fl.memberships_url(moodle_course)}?from=2", MT_MEMBERSHIPS)
    assert skipped.json()["members"] == every and "Link" not in skipped.headers
    listed = svc.get(fl.lineitems_url(moodle_course, {"from": 1}), MT_LINEITEMS).json()
    assert listed == svc.get(fl.lineitems_url(moodle_course), MT_LINEITEMS).json()
    assert len(listed) >= 1
