"""Fault switches, each with a remaining count ("fail twice, then succeed"), and the Canvas
course conclusion."""

from __future__ import annotations

import re
import time

import pytest
import requests

from lms_sandbox.faults import set_fault
from lms_sandbox.flavours import get_flavour
from lms_sandbox.flavours.base import MT_LINEITEMS, MT_MEMBERSHIPS, MT_RESULTS, MT_SCORE
from lms_sandbox.gradebook import conclude_course
from lms_sandbox.models import ALL_SCOPES, SandboxLineItem
from lms_sandbox.seed import course_users

from .conftest import token_form
from .test_ags import Svc, score

pytestmark = pytest.mark.django_db(transaction=True)


def test_moodle_429_with_retry_after_twice_then_success(moodle_course, http):
    sp = moodle_course.platform
    fl, svc = get_flavour(sp), Svc(http, sp)
    set_fault(platform=sp, kind="throttle", target="lineitems", times=2, retry_after=7)
    for _ in range(2):
        r = svc.get(fl.lineitems_url(moodle_course), MT_LINEITEMS)
        assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    assert svc.get(fl.lineitems_url(moodle_course), MT_LINEITEMS).status_code == 200


def test_canvas_throttle_is_plain_text_without_retry_after(canvas_course, http):
    sp = canvas_course.platform
    fl, svc = get_flavour(sp), Svc(http, sp)
    set_fault(platform=sp, kind="throttle", times=1)
    set_fault(platform=sp, kind="throttle_403", times=1)
    r = svc.get(fl.lineitems_url(canvas_course), MT_LINEITEMS)
    assert r.status_code == 429 and "Retry-After" not in r.headers
    assert r.headers["Content-Type"].startswith("text/plain")
    assert r.text == "429 Too Many Requests (Rate Limit Exceeded)\n"
    assert r.headers["X-Rate-Limit-Remaining"] == "0.0"
    r = svc.get(fl.lineitems_url(canvas_course), MT_LINEITEMS)
    assert r.status_code == 403 and "Rate Limit Exceeded" in r.text
    ok = svc.get(fl.lineitems_url(canvas_course), MT_LINEITEMS)
    assert ok.status_code == 200 and float(ok.headers["X-Rate-Limit-Remaining"]) > 0


def test_server_error_and_target_scoping(moodle_course, http):
    sp = moodle_course.platform
    fl, svc = get_flavour(sp), Svc(http, sp)
    set_fault(platform=sp, kind="server_error", target="nrps", times=1)
    # the fault targets NRPS: line items are untouched
    assert svc.get(fl.lineitems_url(moodle_course), MT_LINEITEMS).status_code == 200
    assert svc.get(fl.memberships_url(moodle_course), MT_MEMBERSHIPS).status_code == 500
    assert svc.get(fl.memberships_url(moodle_course), MT_MEMBERSHIPS).status_code == 200


def test_malformed_json(canvas_course, http):
    sp = canvas_course.platform
    fl, svc = get_flavour(sp), Svc(http, sp)
    set_fault(platform=sp, kind="malformed", target="nrps")
    r = svc.get(fl.memberships_url(canvas_course), MT_MEMBERSHIPS)
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()


def test_slow_response_times_out(moodle_course, http):
    sp = moodle_course.platform
    fl, svc = get_flavour(sp), Svc(http, sp)
    set_fault(platform=sp, kind="slow", target="lineitems", delay_seconds=1.5)
    start = time.monotonic()
    with pytest.raises(requests.Timeout):
        http.get(
            fl.lineitems_url(moodle_course),
            headers={**svc.auth, "Accept": MT_LINEITEMS},
            timeout=0.5,
        )
    assert time.monotonic() - start < 1.5
    time.sleep(1.2)  # let the slow request finish before the database goes away
    assert svc.get(fl.lineitems_url(moodle_course), MT_LINEITEMS).status_code == 200


def test_token_endpoint_fault(canvas, http):
    set_fault(platform=canvas, kind="server_error", target="token")
    url = get_flavour(canvas).token_url(canvas)
    assert http.post(url, data=token_form(canvas, ALL_SCOPES)).status_code == 500
    assert http.post(url, data=token_form(canvas, ALL_SCOPES)).status_code == 200


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_looping_next_link(flavour, moodle_course, canvas_course, http):
    course = moodle_course if flavour == "moodle" else canvas_course
    sp = course.platform
    sp.page_size = 2
    sp.save()
    fl, svc = get_flavour(sp), Svc(http, sp)
    set_fault(platform=sp, kind="loop_next", target="nrps", times=3)
    url = fl.memberships_url(course)
    r = svc.get(url, MT_MEMBERSHIPS)
    nxt = re.search(r'<([^>]+)>; rel="next"', r.headers["Link"]).group(1)
    again = svc.get(nxt, MT_MEMBERSHIPS)
    # the next page is the same page again: a client must notice and stop
    assert [m["user_id"] for m in again.json()["members"]] == [
        m["user_id"] for m in r.json()["members"]
    ]
    nxt2 = re.search(r'<([^>]+)>; rel="next"', again.headers["Link"]).group(1)
    assert nxt2 == nxt


def test_canvas_concluded_switch_gives_422_then_404(canvas_course, http):
    sp = canvas_course.platform
    fl, svc = get_flavour(sp), Svc(http, sp)
    li = SandboxLineItem.objects.create(course=canvas_course, label="L", score_maximum=4)
    learner = course_users(canvas_course, "learner")[0]
    conclude_course(course=canvas_course)
    r = svc.send("POST", fl.lineitem_url(li, "/scores"), score(learner, 1, 4), MT_SCORE)
    assert r.status_code == 422
    assert r.json()["errors"]["message"].startswith("This course has concluded.")
    assert svc.get(fl.lineitem_url(li, "/results"), MT_RESULTS).status_code == 422  # reads too
    conclude_course(course=canvas_course, status=404)
    r = svc.get(fl.lineitems_url(canvas_course), MT_LINEITEMS)
    assert r.status_code == 404
    assert r.json() == {"errors": [{"message": "The specified resource does not exist."}]}
    # the roster is still served
    assert svc.get(fl.memberships_url(canvas_course), MT_MEMBERSHIPS).status_code == 200
    conclude_course(course=canvas_course, concluded=False)
    assert svc.get(fl.lineitems_url(canvas_course), MT_LINEITEMS).status_code == 200


def test_concluded_fault_switch(canvas_course, http):
    sp = canvas_course.platform
    fl, svc = get_flavour(sp), Svc(http, sp)
    set_fault(platform=sp, kind="concluded", target="results", times=1)
    li = SandboxLineItem.objects.create(course=canvas_course, label="L", score_maximum=4)
    assert svc.get(fl.lineitem_url(li, "/results"), MT_RESULTS).status_code == 422
    assert svc.get(fl.lineitem_url(li, "/results"), MT_RESULTS).status_code == 200


def test_unknown_fault_kind_is_refused(moodle):
    with pytest.raises(ValueError):
        set_fault(platform=moodle, kind="explode")


@pytest.mark.postgres
def test_concurrent_requests_consume_a_fault_exactly_as_often_as_armed(moodle_course, http):
    from concurrent.futures import ThreadPoolExecutor

    sp = moodle_course.platform
    fl, svc = get_flavour(sp), Svc(http, sp)
    set_fault(platform=sp, kind="server_error", target="lineitems", times=3)
    url = fl.lineitems_url(moodle_course)

    def call(_):
        with requests.Session() as s:
            return s.get(url, headers={**svc.auth, "Accept": MT_LINEITEMS}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(call, range(12)))
    assert sorted(codes).count(500) == 3 and codes.count(200) == 9
