"""Decision outcomes, triggers and the evaluator's reasons as sentences, criteria named by
their titles; the decision pages say them."""

from __future__ import annotations

import csv
import io

import pytest

from awarding.models import Decision, Outcome
from qa_console.decision_words import (
    OUTCOME_SENTENCES,
    REASON_SENTENCES,
    reason_sentences,
)
from rubrics.evidence import deleted_binding_reason
from tests.pages.world import make_world

from .browser_helpers import qa_user


def test_every_outcome_has_a_sentence():
    assert set(OUTCOME_SENTENCES) == set(Outcome.values)


@pytest.mark.django_db
def test_the_evaluators_own_reasons_are_all_recognised():
    """Real lines from rubrics.evaluate (and the deleted-column reason): none is left as a
    code, so a change of wording there fails here rather than showing raw text."""
    w = make_world()
    lines: list[str] = []
    for scores in ({"search": 9, "evaluate": 7}, {"search": 2}, {"search": 2, "evaluate": 1}):
        lines += w.decide(w.learners[0], scores).result["reasons"]
    lines.append(deleted_binding_reason("search", "Search data", "Quiz 1"))
    lines += ["weighted total 41.5% is below 60%", "1 criteria passed, 2 needed"]
    titles = {"search": "Search data", "evaluate": "Evaluate data"}
    said = reason_sentences(lines, titles)
    assert [r.code for r in said if not r.code] == []
    assert {r.code for r in said} == set(REASON_SENTENCES)
    texts = [r.text for r in said]
    assert "“Search data”: 2 is below the pass mark of 6." in texts
    assert "“Evaluate data” is required and has no grade yet." in texts
    assert "search:" not in " ".join(texts)
    # An unknown line is kept as it is, not dropped.
    assert reason_sentences(["something new"], {})[0].text == "something new"


@pytest.mark.django_db
def test_decision_pages_say_outcomes_triggers_and_reasons_in_words(client):
    w = make_world()
    ada = w.learners[0]
    decision = w.decide(ada, {"search": 2, "evaluate": 7})
    # (Decisions are append-only: a second one, as the grade sync records it.)
    Decision.objects.create(
        rule=w.rule,
        course=w.course,
        achievement=w.achievement,
        learner=w.learners[1],
        rubric_version=w.version,
        outcome=Outcome.MET,
        result={"outcome": "met", "reasons": ["all conditions met"], "criteria": []},
        trigger="sync",
    )
    client.force_login(qa_user(w.platform))
    listing = client.get("/qa/awards/").content.decode()
    assert "Does not meet the rubric." in listing and "Meets the rubric" in listing
    assert "after new grades came from the LMS" in listing
    page = client.get(f"/qa/awards/decisions/{decision.pk}").content.decode()
    assert "“Search data”: 2 is below the pass mark of 6." in page
    assert "not_met" not in page.split("<main")[1].replace('class="not_met"', "")


@pytest.mark.django_db
def test_decision_filters_by_learner_and_dates_and_csv_matches(client):
    w = make_world()
    for person in w.learners:
        w.decide(person, {"search": 9, "evaluate": 7})
    client.force_login(qa_user(w.platform))
    page = client.get("/qa/awards/", {"learner": "grace"}).content.decode()
    assert "Grace Hopper" in page and "Ada Lovelace" not in page
    response = client.get("/qa/awards/decisions.csv", {"learner": "grace"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {r["learner_name"] for r in rows} == {"Grace Hopper"}
    old = client.get("/qa/awards/", {"until": "2020-01-01"}).content.decode()
    assert "No decision matches." in old
    backwards = client.get("/qa/awards/", {"since": "2026-02-01", "until": "2026-01-01"})
    assert "“From” is after “Until”." in backwards.content.decode()
