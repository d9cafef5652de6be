"""The sandbox's own pages over real HTTP: listing, launching, gradebook, conclude, faults."""

from __future__ import annotations

from urllib.parse import urlencode

import lxml.html
import pytest

from lms_sandbox.browserless import follow_launch, form_fields
from lms_sandbox.models import FaultSwitch, SandboxResult
from lms_sandbox.seed import course_users

pytestmark = pytest.mark.django_db(transaction=True)


def _form(page, index=0):
    doc = lxml.html.fromstring(page.content, base_url=page.url)
    doc.make_links_absolute(page.url)
    return doc.forms[index]


def test_index_and_platform_pages(moodle_course, canvas_course, http, live_server):
    index = http.get(f"{live_server.url}/sandbox/")
    assert index.status_code == 200
    assert "LTI Test Course" in index.text and "Digital Competence" in index.text
    page = http.get(canvas_course.platform.root + "/")
    assert canvas_course.platform.client_id in page.text


def test_names_from_the_lms_are_escaped(moodle_course, http):
    learner = course_users(moodle_course, "learner")[0]
    learner.name = '<script>alert("x")</script>'
    learner.save()
    page = http.get(f"{moodle_course.platform.root}/course/{moodle_course.pk}/")
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    grades = http.get(f"{moodle_course.platform.root}/course/{moodle_course.pk}/gradebook")
    assert "<script>alert" not in grades.text


def test_course_page_launch_form_uses_the_enrolment_role(moodle_course, http):
    page = http.get(f"{moodle_course.platform.root}/course/{moodle_course.pk}/")
    form = _form(page)
    fields = dict(form_fields(form))
    teacher = course_users(moodle_course, "instructor")[0]
    fields.update(user=str(teacher.pk), role="")
    r = follow_launch(http, f"{form.action}?{urlencode(fields)}")
    roles = r.json()["claims"]["https://purl.imsglobal.org/spec/lti/claim/roles"]
    assert roles == ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]


def test_gradebook_saves_teacher_grades(moodle_course, http):
    url = f"{moodle_course.platform.root}/course/{moodle_course.pk}/gradebook"
    page = http.get(url)
    form = _form(page)
    learner = course_users(moodle_course, "learner")[0]
    li = moodle_course.line_items.get()
    data = dict(form_fields(form))
    data[f"score-{li.pk}-{learner.pk}"] = "88"
    data[f"feedback-{li.pk}-{learner.pk}"] = "Well argued"
    r = http.post(url, data=data, headers={"Referer": url})
    assert r.status_code == 200 and "1 grade(s) saved" in r.text
    result = SandboxResult.objects.get(line_item=li, user=learner)
    assert result.score_given == 88 and result.teacher_override and result.feedback == "Well argued"
    # an out-of-range grade is refused with a message, not a crash
    data = dict(form_fields(_form(http.get(url))))
    data[f"score-{li.pk}-{learner.pk}"] = "not a number"
    r = http.post(url, data=data, headers={"Referer": url})
    assert r.status_code == 200 and "enter a number" in r.text


def test_conclude_and_fault_forms(canvas_course, http):
    sp = canvas_course.platform
    course_url = f"{sp.root}/course/{canvas_course.pk}/"
    form = _form(http.get(course_url), 1)
    data = dict(form_fields(form))
    data.update(concluded="on", status="404")
    r = http.post(form.action, data=data, headers={"Referer": course_url})
    assert r.status_code == 200
    canvas_course.refresh_from_db()
    assert canvas_course.concluded and canvas_course.concluded_status == 404
    platform_url = f"{sp.root}/"
    form = _form(http.get(platform_url))
    data = dict(form_fields(form))
    data.update(kind="throttle", target="results", times="3")
    r = http.post(form.action, data=data, headers={"Referer": platform_url})
    assert r.status_code == 200 and "armed" in r.text
    fault = FaultSwitch.objects.get(platform=sp)
    assert (fault.kind, fault.target, fault.remaining) == ("throttle", "results", 3)
    data = {**dict(form_fields(_form(http.get(platform_url)))), "clear": "1"}
    http.post(form.action, data=data, headers={"Referer": platform_url})
    assert not FaultSwitch.objects.filter(platform=sp).exists()


def test_moodle_course_page_launches_with_its_defaults(moodle_course, http):
    """Moodle opens a tool from an activity: the page's default launch must carry a resource
    link, or the tool rightly refuses it (no resource_link claim)."""
    page = http.get(f"{moodle_course.platform.root}/course/{moodle_course.pk}/")
    form = _form(page)
    fields = dict(form.form_values())
    assert fields.get("link"), "the first activity is selected by default"
    landing = follow_launch(http, form.action + "?" + urlencode(fields))
    assert landing.status_code == 200
    assert "refusal" not in landing.text
