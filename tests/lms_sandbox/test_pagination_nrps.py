"""Paging in each flavour's style (Link headers as captured) and NRPS memberships."""

from __future__ import annotations

import re

import pytest

from lms_sandbox.flavours import get_flavour
from lms_sandbox.flavours.base import MT_LINEITEMS, MT_MEMBERSHIPS, MT_RESULTS
from lms_sandbox.models import SandboxEnrolment, SandboxLineItem, SandboxResult
from lms_sandbox.seed import course_users

from .test_ags import Svc

pytestmark = pytest.mark.django_db(transaction=True)
LEARNER_URI = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def _items(course, n):
    return [
        SandboxLineItem.objects.create(course=course, label=f"C{i}", score_maximum=4)
        for i in range(n)
    ]


def test_moodle_lineitems_paging_as_captured(moodle_course, http):
    """`limit`/`from`, &amp; in the URL and curly-quoted rels (UTF-8 bytes on the wire)."""
    sp = moodle_course.platform
    fl, svc = get_flavour(sp), Svc(http, sp)
    _items(moodle_course, 4)  # plus the activity's own column: 5
    r = svc.get(fl.lineitems_url(moodle_course, {"limit": 2}), MT_LINEITEMS)
    assert len(r.json()) == 2
    # requests decodes header bytes as latin-1; re-encoding gives back what Moodle sent
    link = r.headers["Link"].encode("latin-1").decode("utf-8")
    assert "rel=\u201cnext\u201d" in link and "&amp;" in link
    nxt = re.search(r"<([^>]+)>; rel=\u201cnext\u201d", link).group(1).replace("&amp;", "&")
    assert f"type_id={sp.type_id}&limit=2&from=2" in nxt
    assert len(svc.get(nxt, MT_LINEITEMS).json()) == 2


def test_moodle_without_limit_returns_everything(moodle_course, http):
    fl, svc = get_flavour(moodle_course.platform), Svc(http, moodle_course.platform)
    _items(moodle_course, 12)
    r = svc.get(fl.lineitems_url(moodle_course), MT_LINEITEMS)
    assert len(r.json()) == 13 and "Link" not in r.headers


def test_canvas_pages_with_page_per_page(canvas_course, http):
    fl, svc = get_flavour(canvas_course.platform), Svc(http, canvas_course.platform)
    _items(canvas_course, 5)
    r = svc.get(fl.lineitems_url(canvas_course, {"limit": 2}), MT_LINEITEMS)
    link = r.headers["Link"]
    assert link.startswith("<") and '; rel="current",<' in link  # "," with no space
    rels = re.findall(r'rel="(\w+)"', link)
    assert rels == ["current", "next", "first", "last"]
    seen = []
    url = fl.lineitems_url(canvas_course, {"limit": 2})
    while url:
        page = svc.get(url, MT_LINEITEMS)
        seen += [i["label"] for i in page.json()]
        m = re.search(r'<([^>]+)>; rel="next"', page.headers.get("Link", ""))
        url = m.group(1) if m else None
        if url:
            assert "limit=2" in url and "per_page=2" in url
    assert seen == ["C0", "C1", "C2", "C3", "C4"]


def test_configured_page_size_applies_without_limit(canvas_course, http):
    sp = canvas_course.platform
    sp.page_size = 3
    sp.save()
    fl, svc = get_flavour(sp), Svc(http, sp)
    li = _items(canvas_course, 1)[0]
    for u in course_users(canvas_course, "learner"):
        SandboxResult.objects.create(line_item=li, user=u, score_given=1)
    r = svc.get(fl.lineitem_url(li, "/results"), MT_RESULTS)
    assert len(r.json()) == 3 and 'rel="next"' in r.headers["Link"]


def test_moodle_nrps_next_link_drops_the_role_filter(moodle_course, http):
    sp = moodle_course.platform
    fl, svc = get_flavour(sp), Svc(http, sp)
    url = (
        fl.memberships_url(moodle_course) + "?role=" + LEARNER_URI.replace("#", "%23") + "&limit=2"
    )
    r = svc.get(url, MT_MEMBERSHIPS)
    body = r.json()
    assert [m["roles"] for m in body["members"]] == [["Learner"], ["Learner"]]
    assert body["members"][0]["user_id"] and body["members"][0]["ext_user_username"]
    link = r.headers["Link"]
    assert link.endswith('>; rel="next"') and "role=" not in link
    # the unfiltered next page now includes the instructor: the tool must filter itself
    nxt = re.search(r"<([^>]+)>", link).group(1)
    assert nxt.startswith(fl.memberships_url(moodle_course) + "?limit=2&from=2")


def test_nrps_pages_cover_the_roster(course_pair, http):
    for course in course_pair:
        sp = course.platform
        sp.page_size = 2
        sp.save()
        fl, svc = get_flavour(sp), Svc(http, sp)
        url, ids = fl.memberships_url(course), []
        while url:
            r = svc.get(url, MT_MEMBERSHIPS)
            assert r.status_code == 200, r.text
            ids += [m["user_id"] for m in r.json()["members"]]
            m = re.search(r'<([^>]+)>; rel="next"', r.headers.get("Link", ""))
            url = m.group(1) if m else None
        expected = sorted(e.user.sub for e in course.enrolments.select_related("user"))
        assert sorted(ids) == expected and len(ids) == len(set(ids)) == 6


@pytest.fixture
def course_pair(moodle_course, canvas_course):
    return moodle_course, canvas_course


def test_canvas_nrps_role_filter_needs_full_uri_and_drops_departed(canvas_course, http):
    sp = canvas_course.platform
    fl, svc = get_flavour(sp), Svc(http, sp)
    gone = course_users(canvas_course, "learner")[0]
    SandboxEnrolment.objects.filter(course=canvas_course, user=gone).update(active=False)
    full = svc.get(
        fl.memberships_url(canvas_course) + "?role=" + LEARNER_URI.replace("#", "%23"),
        MT_MEMBERSHIPS,
    ).json()
    assert len(full["members"]) == 4 and gone.sub not in [m["user_id"] for m in full["members"]]
    assert all(m["status"] == "Active" for m in full["members"])
    short = svc.get(fl.memberships_url(canvas_course) + "?role=Learner", MT_MEMBERSHIPS).json()
    assert short["members"] == []


def test_nrps_needs_its_scope(moodle_course, http):
    from lms_sandbox.models import SCOPE_SCORE

    fl, svc = get_flavour(moodle_course.platform), Svc(http, moodle_course.platform, [SCOPE_SCORE])
    assert svc.get(fl.memberships_url(moodle_course), MT_MEMBERSHIPS).status_code == 401


def test_bad_paging_parameter_is_400(canvas_course, http):
    fl, svc = get_flavour(canvas_course.platform), Svc(http, canvas_course.platform)
    r = svc.get(fl.lineitems_url(canvas_course, {"page": "x"}), MT_LINEITEMS)
    assert r.status_code == 400
