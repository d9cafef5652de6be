"""Issue 4's "Done means", over real HTTP: the sandbox LMS launches the tool, the instructor
builds a three-criterion DigComp rubric, creates its columns in the LMS through AGS, the
LMS grades them, the sync pulls them, the preview shows who meets it, the instructor
submits; QA signs in to the console, reads the diff and preview and approves; the author
trying to approve is refused. Everything from the LMS containing <script> stays text."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import lxml.html
import pytest
import requests
from django.utils import timezone

from audit.verify import verify_chain
from rubrics.models import RubricVersion

from .conftest import digcomp, make_qa_user, proficiency

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("digcomp_data")]
XSS = "<script>alert('x')</script>"
CRITERIA = [("search", "1.1", 6), ("evaluate", "1.2", 5), ("privacy", "4.2", 7)]


def _lt(response: requests.Response) -> str:
    return parse_qs(urlparse(response.url).query)["lt"][0]


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=10)
    return lxml.html.fromstring(page.content).forms[0].fields["csrfmiddlewaretoken"]


def _editor_data(lt: str) -> dict:
    data = {
        "lt": lt,
        "title": "Information literacy",
        "result_choice": "latest",
        "criteria-TOTAL_FORMS": "3",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for i, (key, code, threshold) in enumerate(CRITERIA):
        p = f"criteria-{i}-"
        data.update(
            {
                p + "key": key,
                p + "title": f"{key.title()} <i>skills</i>",
                p + "points": "10",
                p + "threshold": str(threshold),
                p + "threshold_unit": "points",
                p + "required": "on",
                p + "weight": "1",
                p + "source": "tool",
                p + "ORDER": str(i + 1),
                p + "levels-TOTAL_FORMS": "3",
                p + "levels-INITIAL_FORMS": "0",
                **{
                    f"{p}levels-{n}-{field}": value
                    for n, level in enumerate(
                        (("Foundation", "2"), ("Intermediate", "5"), ("Advanced", "8"))
                    )
                    for field, value in zip(("name", "min_score"), level, strict=True)
                },
                p + "competences": str(digcomp(code).pk),
                p + "proficiency": str(proficiency("4").pk),
            }
        )
    return data


def _grade(sandbox_course, user, tag, score, comment=""):
    from lms_sandbox.models import SandboxLineItem, SandboxResult

    item = SandboxLineItem.objects.get(course=sandbox_course, tag=tag)
    SandboxResult.objects.update_or_create(
        line_item=item,
        user=user,
        defaults={
            "score_given": score,
            "score_maximum": item.score_maximum,
            "comment": comment,
            "activity_progress": "Completed",
            "grading_progress": "FullyGraded",
            "updated_at": timezone.now(),
        },
    )


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_done_means_over_real_http(live_server, flavour):
    from assessments.models import Course
    from assessments.sync import sync_course
    from lms_sandbox.browserless import follow_launch
    from lms_sandbox.seed import connect_tool, course_users, launch_url, seed_course

    base = live_server.url
    sandbox, platform = connect_tool(flavour=flavour, tool_base_url=base, slug=f"rub-{flavour}")
    sandbox_course = seed_course(platform=sandbox, title=f"Digital {XSS}", learners=4)
    teacher = course_users(sandbox_course, "instructor")[0]
    link = sandbox_course.resource_links.order_by("pk").first()
    lms = requests.Session()
    landing = follow_launch(
        lms,
        launch_url(course=sandbox_course, user=teacher, role="instructor", resource_link=link),
    )
    assert landing.status_code == 200, landing.text[:2000]
    lt = _lt(landing)

    # The instructor: the editor inside the LMS, course title shown as text.
    page = lms.get(f"{base}/rubrics/", params={"lt": lt}, timeout=10)
    assert page.status_code == 200 and XSS not in page.text and "&lt;script&gt;" in page.text
    created = lms.post(f"{base}/rubrics/", data={"lt": lt, "title": "Information literacy"})
    assert created.status_code == 200 and "/rubrics/versions/" in created.url
    version_url = created.url.split("?")[0]
    saved = lms.post(version_url, data=_editor_data(lt), timeout=20)
    assert saved.status_code == 200, saved.text[:3000]
    version = RubricVersion.objects.get(rubric__course__platform=platform)
    spec = version.to_spec()
    assert [a.code for c in spec.criteria for a in c.alignments] == ["1.1", "1.2", "4.2"]

    made = lms.post(f"{version_url}line-items/", data={"lt": lt}, timeout=30)
    assert made.status_code == 200
    from lms_sandbox.models import SandboxLineItem

    tags = set(SandboxLineItem.objects.filter(course=sandbox_course).values_list("tag", flat=True))
    assert {f"credbridge:criterion:{k}" for k, _, _ in CRITERIA} <= tags
    # Idempotent: asking again creates nothing new in the LMS.
    lms.post(f"{version_url}line-items/", data={"lt": lt}, timeout=30)
    assert SandboxLineItem.objects.filter(course=sandbox_course).count() == len(tags)

    # The LMS gradebook: two learners meet every threshold, one misses one, one is ungraded.
    learners = course_users(sandbox_course, "learner")
    for n, user in enumerate(learners[:3]):
        for key, _code, threshold in CRITERIA:
            score = threshold - 1 if (n == 2 and key == "privacy") else 9
            _grade(sandbox_course, user, f"credbridge:criterion:{key}", score, f"Good {XSS}")
    course = Course.objects.get(platform=platform)
    run = sync_course(course=course, trigger="test")
    assert run.outcome == "succeeded", run.error

    preview = lms.get(version_url, params={"lt": lt}, timeout=20)
    assert "2 of 4 learners would meet this rubric now" in preview.text
    assert XSS not in preview.text and "Good &lt;script&gt;" in preview.text
    # Submitting goes through the setup page (one path: the version and its awarding rule).
    described = lms.post(
        f"{base}/course/setup/achievement",
        data={
            "lt": lt,
            "name": "Info literate",
            "achievement_type": "Badge",
            "description": "Finds and judges information.",
            "criteria_narrative": "See rubric.",
        },
        timeout=10,
    )
    assert described.status_code == 200, described.text[:2000]
    submitted = lms.post(
        f"{base}/course/setup/submit",
        data={"lt": lt, "version": version.pk, "mode": "automatic"},
        timeout=10,
    )
    assert submitted.status_code == 200
    version.refresh_from_db()
    assert version.state == "submitted"

    # The author trying to approve is refused, server side.
    refused = lms.post(
        f"{base}/qa/versions/{version.pk}/", data={"lt": lt, "action": "approve"}, timeout=10
    )
    assert refused.status_code == 403
    version.refresh_from_db()
    assert version.state == "submitted"

    # QA in the console (outside the LMS, Django auth).
    make_qa_user(platform, username=f"qa-{flavour}")
    qa = requests.Session()
    token = _csrf(qa, f"{base}/qa/login/")
    signed_in = qa.post(
        f"{base}/qa/login/",
        data={
            "csrfmiddlewaretoken": token,
            "username": f"qa-{flavour}",
            "password": "qa-pass-123456",
            "next": "/qa/",
        },
        headers={"Referer": f"{base}/qa/login/"},
        timeout=10,
    )
    assert signed_in.url.rstrip("/").endswith("/qa") and f"/qa/versions/{version.pk}/" in (
        signed_in.text
    )
    review = qa.get(f"{base}/qa/versions/{version.pk}/", timeout=20)
    assert review.status_code == 200
    assert "First version" in review.text
    # The review names a criterion by its title (escaped), no longer by its key.
    assert re.search(
        r"criterion “Privacy &lt;i&gt;skills&lt;/i&gt;”.*threshold.*7 points", review.text, re.S
    )
    assert "4.2 Protecting personal data and privacy (Intermediate 4)" in review.text
    assert "2 of 4 learners would meet this rubric now" in review.text
    assert XSS not in review.text and "&lt;i&gt;skills&lt;/i&gt;" in review.text
    form = lxml.html.fromstring(review.content).get_element_by_id("id_comment").getparent()
    csrf = lxml.html.fromstring(review.content).xpath(
        "//form[@data-testid='review-form']//input[@name='csrfmiddlewaretoken']/@value"
    )[0]
    assert form is not None
    approved = qa.post(
        f"{base}/qa/versions/{version.pk}/",
        data={"csrfmiddlewaretoken": csrf, "action": "approve", "comment": "Aligned well"},
        headers={"Referer": review.url},
        timeout=20,
    )
    assert approved.status_code == 200
    version.refresh_from_db()
    assert version.state == "approved" and version.reviewed_by.startswith("user:")
    assert verify_chain().ok
