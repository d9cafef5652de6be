"""A proposal's evidence file, from the attacker's side: another learner, anyone without a
launch, a learner launched into another course, an instructor of another course, QA of
another institution. Only the learner, the course's instructors and QA of the institution
open it; the public only once it is the shareable evidence of a public, issued credential."""

from __future__ import annotations

import pytest

from awarding.award_proposals import decide_proposal
from awarding.credential_visibility import set_credential_visibility
from awarding.models import Award
from lti_tool.launch_context import start_launch_session
from tests.awarding.review_world import png_bytes, propose, upload
from tests.pages.world import make_world
from tests.qa_console.test_award_pages import qa_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _evidence_files(evidence_storage):
    """Every test here keeps its evidence files in its own folder."""
    return evidence_storage


@pytest.fixture
def proposal(world):
    return propose(world, evidence_file=upload())


def _get(client, proposal, token="", path=""):
    """The answer, with its file read (`body`)."""
    response = client.get(
        path or f"/evidence-files/{proposal.uuid}", {"lt": token} if token else {}
    )
    # Reading a streamed answer to its end closes it (and its file) the way the test client
    # means to: a second close() would end the test's database connection with the request.
    response.body = b"".join(response.streaming_content) if response.streaming else b""
    return response


def test_the_learner_and_the_courses_instructor_open_it(client, world, proposal):
    for token in (
        world.launch(world.learners[0]).token,
        world.launch(world.instructor, "instructor").token,
    ):
        response = _get(client, proposal, token)
        assert response.status_code == 200
        assert response.body == png_bytes()
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_another_learner_of_the_same_course_gets_a_404(client, world, proposal):
    grace = world.learners[1]
    assert _get(client, proposal, world.launch(grace).token).status_code == 404


def test_anyone_without_a_launch_gets_a_404(client, proposal):
    assert _get(client, proposal).status_code == 404
    assert _get(client, proposal, "made-up-token").status_code == 404


def test_a_learner_or_instructor_launched_into_another_course_gets_a_404(client, world, proposal):
    other = make_world(platform=world.platform, learner_names=("Mallory",), course_title="Other")
    assert _get(client, proposal, other.launch(other.learners[0]).token).status_code == 404
    # An instructor elsewhere, even on the same platform, is no instructor of this course.
    assert (
        _get(client, proposal, other.launch(other.instructor, "instructor").token).status_code
        == 404
    )
    # The learner whose file it is may open it from another course's launch: it is theirs.
    own = start_launch_session(
        platform_id=world.platform.pk,
        deployment_id="dep-1",
        context_id=other.course.context_id,
        course_id=other.course.pk,
        user_sub=world.learners[0].sub,
        learner_id=world.learners[0].pk,
        roles={"learner"},
    )
    assert _get(client, proposal, own.token).status_code == 200


def test_a_learner_of_another_platform_with_the_same_database_id_gets_a_404(
    client, world, proposal
):
    other = make_world(learner_names=("Eve",))
    forged = start_launch_session(
        platform_id=other.platform.pk,
        deployment_id="dep-1",
        context_id=other.course.context_id,
        course_id=other.course.pk,
        user_sub="eve",
        learner_id=world.learners[0].pk,  # right id, wrong platform
        roles={"learner"},
    )
    assert _get(client, proposal, forged.token).status_code == 404


def test_qa_opens_it_in_the_console_of_its_own_institution_only(client, world, proposal):
    other = make_world(learner_names=("Zed",))
    client.force_login(qa_user(other.platform, username="qa-other"))
    assert client.get(f"/qa/proposals/{proposal.uuid}/evidence").status_code == 404
    assert client.get(f"/qa/proposals/{proposal.uuid}").status_code == 404
    client.force_login(qa_user(world.platform, username="qa-own"))
    response = _get(client, proposal, path=f"/qa/proposals/{proposal.uuid}/evidence")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.body == png_bytes()
    # A console session is no launch: the LMS address stays closed to it.
    assert _get(client, proposal).status_code == 404


def test_public_only_when_shareable_approved_issued_and_public(
    client, world, django_capture_on_commit_callbacks
):
    private = propose(world, evidence_file=upload())
    shared = propose(
        world, learner=world.learners[1], evidence_file=upload(), evidence_shareable=True
    )
    assert _get(client, shared).status_code == 404  # not approved yet
    with django_capture_on_commit_callbacks(execute=True):
        decide_proposal(proposal=private, approve=True, actor="user:1")
        decide_proposal(proposal=shared, approve=True, actor="user:1")
    assert _get(client, private).status_code == 404
    response = _get(client, shared)
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    shared.refresh_from_db()
    set_credential_visibility(actor="x", award=shared.award, is_public=False)
    assert _get(client, shared).status_code == 404
    set_credential_visibility(actor="x", award=shared.award, is_public=True)
    Award.objects.filter(pk=shared.award_id).update(state=Award.State.REVOKED)
    assert _get(client, shared).status_code == 404


def test_an_unknown_proposal_and_one_without_a_file_look_the_same(client, world):
    without = propose(world)
    token = world.launch(world.learners[0]).token
    assert _get(client, without, token).status_code == 404
    assert (
        client.get(
            "/evidence-files/00000000-0000-0000-0000-000000000000", {"lt": token}
        ).status_code
        == 404
    )
