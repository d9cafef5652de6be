"""Deep Linking placement of one credential (issue 13, item 7), over real HTTP with the
sandbox LMS in both flavours: the instructor picks an achievement (or describes a new one),
the signed response names the link and its line item after it and carries its key, the LMS
places it, and a learner's launch of that placement shows that achievement."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import jwt
import lxml.html
import pytest
import requests
from django.urls import reverse

from assessments.models import Course
from audit.models import AuditEvent
from awarding.models import Achievement, AwardingRule
from lms_sandbox.browserless import follow_launch
from lms_sandbox.models import DeepLinkPlacement, SandboxEnrolment
from lms_sandbox.seed import connect_tool
from lti_tool.launch_hooks import PLACEMENT_PARAM
from rubrics.models import Rubric, RubricVersion

from ..lti_tool.test_sandbox_e2e import _submit, seed

pytestmark = pytest.mark.django_db(transaction=True)
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def sandbox_start(live_server, sp, course, role, **query) -> str:
    user = SandboxEnrolment.objects.filter(course=course, role=role).first().user
    params = {"course": course.pk, "user": user.pk, "role": role, **query}
    start = reverse("lms_sandbox:start_launch", args=[sp.slug])
    return f"{live_server.url}{start}?" + "&".join(f"{k}={v}" for k, v in params.items())


def open_picker(live_server, sp, course):
    session = requests.Session()
    picker = follow_launch(
        session, sandbox_start(live_server, sp, course, "instructor", message="deep_link")
    )
    assert urlsplit(picker.url).path == "/lti/deep-link/", picker.text[:500]
    return session, parse_qs(urlsplit(picker.url).query)["lt"][0]


def returned_items(page: requests.Response) -> list[dict]:
    """The content items of the JWT the tool hands back to the platform."""
    form = lxml.html.fromstring(page.content).forms[0]
    claims = jwt.decode(form.fields["JWT"], options={"verify_signature": False})
    return claims[DL + "content_items"]


def credential_in(course_row: Course, name: str, *, gradebook_column: bool) -> Achievement:
    achievement = Achievement.objects.create(
        platform=course_row.platform,
        course=course_row,
        name=name,
        description="Finds and evaluates data.",
        criteria_narrative="Score at least 6 of 10.",
    )
    rubric = Rubric.objects.create(course=course_row, title="R", created_by="lti:x:t")
    # Approved and active, so the learner's page has a card for it.
    version = RubricVersion.objects.create(rubric=rubric, number=1, title="R", author="lti:x:t")
    RubricVersion.objects.filter(pk=version.pk).update(state="active")
    AwardingRule.objects.create(
        course=course_row, achievement=achievement, rubric=rubric, gradebook_column=gradebook_column
    )
    return achievement


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_instructor_places_one_credential_and_a_learner_launch_shows_it(live_server, flavour):
    sp, platform = connect_tool(flavour=flavour, tool_base_url=live_server.url)
    course = seed(sp, title="Placement 101", learners=1)
    course_row = Course.objects.get(platform=platform, context_id=course.context_id)
    wanted = credential_in(course_row, "Data Literacy Badge", gradebook_column=True)
    credential_in(course_row, "Other Badge", gradebook_column=False)

    session, lt = open_picker(live_server, sp, course)
    picker = session.get(f"{live_server.url}/lti/deep-link/?lt={lt}")
    page = lxml.html.fromstring(picker.content)
    options = {r.get("value"): r for r in page.xpath('//input[@name="choice"]')}
    assert str(wanted.uuid) in options and "new" in options and "" in options
    assert "Data Literacy Badge" in picker.text and "Other Badge" in picker.text

    returned = session.post(
        f"{live_server.url}/lti/deep-link/", data={"lt": lt, "choice": str(wanted.uuid)}
    )
    assert returned.status_code == 200, returned.text[:800]
    (item,) = returned_items(returned)
    assert item["title"] == "Data Literacy Badge"
    assert item["custom"] == {PLACEMENT_PARAM: str(wanted.uuid)}
    assert item["lineItem"]["label"] == "Data Literacy Badge"
    assert item["lineItem"]["tag"] == f"credbridge:credential:{wanted.uuid}"
    assert item["lineItem"]["resourceId"] == str(wanted.uuid)

    done = _submit(session, returned)  # the JWT goes to the platform's return URL
    assert done.status_code == 200, done.text[:800]
    (placement,) = DeepLinkPlacement.objects.filter(course=course)
    assert placement.resource_link.title == "Data Literacy Badge"
    assert placement.resource_link.custom == {PLACEMENT_PARAM: str(wanted.uuid)}
    assert placement.line_item is not None
    assert placement.line_item.label == "Data Literacy Badge"

    # A learner opens the placed activity: the page is about that credential only.
    learner_page = follow_launch(
        requests.Session(),
        sandbox_start(live_server, sp, course, "learner", link=placement.resource_link.pk),
    )
    assert urlsplit(learner_page.url).path == "/learner/", learner_page.text[:500]
    assert 'id="placed-credential"' in learner_page.text
    assert "Your progress towards Data Literacy Badge" in learner_page.text
    assert "Other Badge" not in learner_page.text


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_instructor_creates_a_new_credential_in_the_picker(live_server, flavour):
    sp, platform = connect_tool(flavour=flavour, tool_base_url=live_server.url)
    course = seed(sp, title="Fresh course", learners=1)
    session, lt = open_picker(live_server, sp, course)
    # Describing it only halfway keeps the page, and what was typed, with the missing field.
    half = session.post(
        f"{live_server.url}/lti/deep-link/",
        data={"lt": lt, "choice": "new", "new_name": "Spreadsheet Skills"},
    )
    assert half.status_code == 400 and "Required for a new credential." in half.text
    assert 'value="Spreadsheet Skills"' in half.text
    assert not Achievement.objects.exists()

    returned = session.post(
        f"{live_server.url}/lti/deep-link/",
        data={
            "lt": lt,
            "choice": "new",
            "new_name": "Spreadsheet Skills",
            "new_description": "Builds and checks spreadsheets.",
            "new_criteria": "Pass both spreadsheet tasks.",
        },
    )
    assert returned.status_code == 200, returned.text[:800]
    achievement = Achievement.objects.get(name="Spreadsheet Skills")
    assert achievement.course.context_id == course.context_id
    assert AuditEvent.objects.filter(
        action="awarding.achievement.created", object_id=str(achievement.uuid)
    ).exists()
    (item,) = returned_items(returned)
    assert item["title"] == "Spreadsheet Skills"
    assert item["custom"] == {PLACEMENT_PARAM: str(achievement.uuid)}
    assert "lineItem" not in item  # no rule yet, so no gradebook column was opted into
    assert _submit(session, returned).status_code == 200
    (placement,) = DeepLinkPlacement.objects.filter(course=course)
    assert placement.resource_link.title == "Spreadsheet Skills" and placement.line_item is None

    # Not awarded yet: the learner's page of the placement says what it is and that it is not.
    learner_page = follow_launch(
        requests.Session(),
        sandbox_start(live_server, sp, course, "learner", link=placement.resource_link.pk),
    )
    assert "Spreadsheet Skills" in learner_page.text
    assert "Not awarded in this course yet" in learner_page.text


def test_a_choice_from_another_course_is_refused(live_server):
    sp, platform = connect_tool(flavour="moodle", tool_base_url=live_server.url)
    course = seed(sp, title="Mine", learners=1)
    elsewhere = seed(sp, title="Theirs", learners=1)
    theirs = credential_in(
        Course.objects.get(platform=platform, context_id=elsewhere.context_id),
        "Their Badge",
        gradebook_column=False,
    )
    session, lt = open_picker(live_server, sp, course)
    refused = session.post(
        f"{live_server.url}/lti/deep-link/", data={"lt": lt, "choice": str(theirs.uuid)}
    )
    assert refused.status_code == 400 and 'name="JWT"' not in refused.text
