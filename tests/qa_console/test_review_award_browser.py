"""In Chromium: an instructor proposes recognition of prior learning inside the LMS frame (with a
file), QA approves it in the console, the learner holds the credential and its shared file is
public; then QA awards two more in bulk from a CSV, preview first."""

from __future__ import annotations

import pytest

from awarding.models import Award
from awarding.review_models import AwardProposal
from tests.awarding.review_world import png_bytes
from tests.pages.test_browser import open_in_lms
from tests.pages.world import make_world

from .browser_helpers import qa_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_proposed_in_the_lms_approved_by_qa_then_a_bulk_award(
    browser_page, live_server, settings, evidence_storage
):
    settings.PUBLIC_BASE_URL = live_server.url
    w = make_world(learner_names=("Ada Lovelace", "Grace Hopper", "Alan Turing"))
    ada, grace, alan = w.learners
    page = browser_page
    # Fields by id: their labels are words of the page's language, and "Learner" is also a
    # section's name.
    teach = w.launch(w.instructor, "instructor").token
    frame = open_in_lms(page, live_server, f"/course/?lt={teach}")
    frame.get_by_role("link", name="Award by review (manual, prior learning)").click()
    frame.locator("#id_learner").select_option(str(ada.pk))
    frame.locator("#id_achievement").select_option(str(w.achievement.pk))
    frame.locator("#id_kind").select_option("prior_learning")
    frame.locator("#id_reason").fill("Holds the national data analyst certificate of 2024.")
    frame.locator("#id_evidence_file").set_input_files(
        {"name": "certificate.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    frame.locator("#id_evidence_shareable").check()
    frame.get_by_role("button", name="Propose for review").click()
    frame.get_by_text("Waiting for quality assurance").wait_for()
    proposal = AwardProposal.objects.get()

    qa_context = page.context.browser.new_context()
    qa = qa_context.new_page()
    try:
        sign_in(qa, live_server, qa_user(w.platform))
        qa.get_by_role("link", name="Proposals").click()
        qa.get_by_role("link", name="Recognition of prior learning: Data Literacy Badge").click()
        qa.get_by_role("button", name="Approve and award").click()
        qa.get_by_text("Approved: the credential is being issued").wait_for()
        proposal.refresh_from_db()
        assert proposal.award.state == Award.State.ISSUED
        # The file the instructor shared is now the credential's public evidence.
        shared = qa_context.request.get(f"{live_server.url}/evidence-files/{proposal.uuid}")
        assert shared.status == 200 and shared.body() == png_bytes()

        qa.get_by_role("link", name="Bulk CSV").click()
        qa.locator("#id_kind").select_option("award")
        qa.locator("#id_course").select_option(str(w.course.pk))
        csv_text = (
            "learner,achievement,reason\n"
            f"{grace.sub},Data Literacy Badge,Reviewed the capstone portfolio\n"
            f"{alan.sub},Data Literacy Badge,Reviewed the capstone portfolio\n"
        )
        qa.locator("#id_file").set_input_files(
            {"name": "cohort.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}
        )
        # The preview is another page: count its rows once it has come, not the form's
        # (a count right after the click raced the navigation and saw none).
        with qa.expect_navigation():
            qa.get_by_role("button", name="Upload and preview").click()
        qa.get_by_role("button", name="Apply all 2 lines").wait_for()
        assert qa.locator("tbody tr").count() == 2
        assert "Will award" in qa.locator("tbody").inner_text()
        qa.get_by_role("button", name="Apply all 2 lines").click()
        qa.get_by_text("Applied: 2 credentials are being issued").wait_for()
    finally:
        qa_context.close()
    assert set(
        Award.objects.filter(basis="review", state="issued").values_list("learner", flat=True)
    ) == {ada.pk, grace.pk, alan.pk}
    # Ada sees it on her page inside the LMS.
    learn = w.launch(ada).token
    learner_frame = open_in_lms(page, live_server, f"/learner/?lt={learn}")
    assert "Data Literacy Badge" in learner_frame.locator("main").inner_text()
