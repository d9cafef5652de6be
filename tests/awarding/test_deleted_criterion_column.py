"""A criterion's gradebook column deleted in the LMS, over real HTTP against the sandbox.

Seen in real Moodle 4.5.6 (docs/real-moodle.md, "Found on the way" 2): after the teacher
deleted a criterion's column, the sync read Credbridge's own credential column as a course
column, every learner was decided again on the deleted column's stored grades, and a learner
whose credential had been revoked got a new one; the dashboard said nothing.
"""

from __future__ import annotations

import pytest

from assessments.models import LineItem, Result
from assessments.sync import sync_course
from awarding.models import Award, Decision
from awarding.revoke import revoke_award
from awarding.tasks import sweep_awards_task
from demo import steps as demo
from lms_sandbox.models import SandboxLineItem
from tests.e2e.story import set_up

CREDENTIAL_TAGS = "credbridge:credential"


def _posted_then_revoked(flavour: str, base_url: str):
    """Credentials issued and posted 1/1 to the credential column; the first one revoked."""
    story = set_up(base_url=base_url, flavour=flavour, deep_link=False, gradebook_column=True)
    assert sync_course(course=story.course, trigger="test").outcome == "succeeded"
    SandboxLineItem.objects.filter(course=story.sandbox_course).update(published=True)
    sweep_awards_task.delay(older_than_s=0)
    awards = Award.objects.filter(rule=story.rule)
    assert {a.postback_state for a in awards} == {Award.PostbackState.POSTED}
    revoked = awards.order_by("pk").first()
    revoke_award(award=revoked, reason="Issued by mistake", actor="lti:1:teacher")
    return story, revoked


def _delete_in_lms(story, *keys: str) -> None:
    """What the teacher does in Moodle's Gradebook setup (or Canvas's assignment list)."""
    tags = [f"credbridge:criterion:{k}" for k in keys]
    SandboxLineItem.objects.filter(course=story.sandbox_course, tag__in=tags).delete()


def _live_awards(story, learner) -> int:
    return (
        Award.objects.filter(rule=story.rule, learner=learner)
        .exclude(state=Award.State.REVOKED)
        .count()
    )


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_a_deleted_criterion_column_awards_nothing_and_the_teacher_is_told(
    flavour, live_server, transactional_db, settings
):
    settings.PUBLIC_BASE_URL = live_server.url
    story, revoked = _posted_then_revoked(flavour, live_server.url)
    learner = revoked.learner
    _delete_in_lms(story, "create")
    # The teacher regrades another criterion of the learner: the learner is decided again.
    user = next(u for u in story.learners if u.sub == learner.sub)
    demo.grade_in_sandbox(
        sandbox_course=story.sandbox_course, user=user, tag="credbridge:criterion:search", score=9
    )

    run = sync_course(course=story.course, trigger="test")

    assert run.outcome == "succeeded", (run.error, run.detail)
    gone = LineItem.objects.get(course=story.course, tag="credbridge:criterion:create")
    assert gone.deleted_in_lms and gone.results.exists()  # stored grades kept, not used
    assert _live_awards(story, learner) == 0  # no new credential on a column that is gone
    decision = Decision.objects.filter(rule=story.rule, learner=learner).latest("pk")
    assert decision.outcome == "insufficient_evidence"
    assert "create" not in decision.evidence
    assert any(f"“{gone.label}”" in r and "deleted" in r for r in decision.result["reasons"])

    teacher = demo.people(story.sandbox_course, "instructor")[0]
    page = demo.launch(sandbox_course=story.sandbox_course, user=teacher, role="instructor")
    assert page.status_code == 200 and "/course/" in page.url
    text = page.text
    assert f"gradebook column “{gone.label}”" in text and "was deleted in the LMS" in text
    assert "recreate the column" in text and "bind the criterion to another column" in text


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_the_credential_column_is_never_read_as_evidence(
    flavour, live_server, transactional_db, settings
):
    settings.PUBLIC_BASE_URL = live_server.url
    story, revoked = _posted_then_revoked(flavour, live_server.url)
    _delete_in_lms(story, *(c[0] for c in demo.CRITERIA))  # no criterion column left

    run = sync_course(course=story.course, trigger="test")

    assert run.outcome == "succeeded", (run.error, run.detail)
    assert LineItem.objects.filter(course=story.course, tag__startswith=CREDENTIAL_TAGS).exists()
    assert not Result.objects.filter(line_item__tag__startswith=CREDENTIAL_TAGS).exists()
    assert (run.new_results, run.changed_results) == (0, 0)
    assert _live_awards(story, revoked.learner) == 0
