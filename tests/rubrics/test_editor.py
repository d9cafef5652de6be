"""The rubric editor as an instructor uses it, through Django's test client: the form is
posted as the browser submits it (tests/rubrics/browser_form.py), with only what a person
typed changed. Each test of a former dead end fails on the editor before issue 13."""

from __future__ import annotations

import re

import pytest

from awarding.models import Achievement, AwardingRule
from rubrics.actors import actor_from_user
from rubrics.keys import assign_keys, key_from_title
from rubrics.models import Criterion, RubricVersion
from rubrics.workflow import activate, approve

from .browser_form import set_value, submitted_values
from .conftest import add_learner, add_line_item, digcomp, grade, instructor_launch, make_qa_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, course):
    """A new rubric's editor page: (lt, url, the values the browser would submit)."""
    lt = instructor_launch(course).token
    client.post("/rubrics/", {"lt": lt, "title": "Information literacy"})
    version = RubricVersion.objects.get()
    url = f"/rubrics/versions/{version.pk}/"
    return lt, url


def _values(client, url, lt):
    page = client.get(url, {"lt": lt})
    assert page.status_code == 200
    return submitted_values(page.content.decode())


def _field_block(html: str, field_id: str) -> str:
    """The markup of one field (label, help, input, message), as the person sees it together."""
    match = re.search(
        rf'<div class="field[^"]*" data-field="[^"]+">\s*<label for="{field_id}">.*?</div>',
        html,
        re.S,
    )
    assert match, field_id
    return match.group(0)


def test_keys_are_made_from_names_unique_and_valid():
    assert key_from_title("Évaluer l'information", []) == "evaluer-linformation"
    assert key_from_title("Quiz", ["quiz", "quiz-2"]) == "quiz-3"
    assert key_from_title("¿¡!", []) == "criterion"
    assert len(key_from_title("x" * 200, [])) == 64
    long_taken = ["y" * 64]
    assert key_from_title("y" * 200, long_taken) == "y" * 62 + "-2"
    # A saved key stays whatever the name; new ones avoid every key in use.
    assert assign_keys([("Quiz", "quiz"), ("Quiz", ""), ("Essay", "")]) == [
        "quiz",
        "quiz-2",
        "essay",
    ]


def test_a_criterion_needs_only_a_name_its_key_is_made_and_kept(client, editor):
    lt, url = editor
    values = _values(client, url, lt)
    assert "criteria-0-key" in values and values["criteria-0-key"] == [""]  # nothing to invent
    set_value(values, "criteria-0-title", "Final project")
    set_value(values, "criteria-0-threshold", "6")
    saved = client.post(url, values)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert list(Criterion.objects.values_list("key", "title")) == [
        ("final-project", "Final project")
    ]
    # Renamed later: the key (its gradebook column's tag) stays.
    values = _values(client, url, lt)
    set_value(values, "criteria-0-title", "Capstone project")
    assert client.post(url, values).status_code == 302
    assert list(Criterion.objects.values_list("key", "title")) == [
        ("final-project", "Capstone project")
    ]


def test_a_blank_extra_criterion_is_ignored_even_when_its_selects_were_touched(client, editor):
    lt, url = editor
    values = _values(client, url, lt)
    set_value(values, "criteria-0-key", "quiz")  # as a saved criterion carries it
    set_value(values, "criteria-0-title", "Quiz")
    assert client.post(url, values).status_code == 302
    values = _values(client, url, lt)
    assert values["criteria-1-title"] == [""]  # the blank card offered after the saved one
    # The instructor fiddled with the blank card's choices, then saved without naming it.
    set_value(values, "criteria-1-threshold_unit", "percent")
    set_value(values, "criteria-1-weight", "2")
    values.pop("criteria-1-required", None)
    page = client.post(url, values)
    assert page.status_code == 302, page.content.decode()[:3000]
    assert list(Criterion.objects.values_list("key", flat=True)) == ["quiz"]


def test_levels_are_rows_added_and_removed_without_separators(client, editor):
    lt, url = editor
    values = _values(client, url, lt)
    assert "criteria-0-levels" not in values  # no textarea of "name | min | desc" lines
    set_value(values, "criteria-0-title", "Search")
    set_value(values, "criteria-0-levels-0-name", "Advanced")
    set_value(values, "criteria-0-levels-0-min_score", "8")
    set_value(values, "criteria-0-levels-0-description", "Finds | filters sources")
    assert client.post(url, values).status_code == 302
    values = _values(client, url, lt)
    # Saved level + one blank row to add the next.
    assert values["criteria-0-levels-TOTAL_FORMS"] == ["2"]
    set_value(values, "criteria-0-levels-1-name", "Foundation")
    set_value(values, "criteria-0-levels-1-min_score", "4")
    assert client.post(url, values).status_code == 302
    levels = list(Criterion.objects.get().levels.values_list("name", "min_score", "description"))
    assert levels == [("Foundation", 4.0, ""), ("Advanced", 8.0, "Finds | filters sources")]
    values = _values(client, url, lt)
    set_value(values, "criteria-0-levels-1-DELETE", "on")  # Advanced (listed second)
    # A half-typed row removed again does not block saving either.
    set_value(values, "criteria-0-levels-2-name", "Half typed")
    set_value(values, "criteria-0-levels-2-DELETE", "on")
    assert client.post(url, values).status_code == 302
    assert list(Criterion.objects.get().levels.values_list("name", flat=True)) == ["Foundation"]


def test_competences_are_checkboxes_grouped_by_the_digcomp_tree(client, editor):
    lt, url = editor
    html = client.get(url, {"lt": lt}).content.decode()
    assert '<select name="criteria-0-competences"' not in html  # no ctrl-click multi-select
    assert "<legend>DigComp 1 Information and data literacy</legend>" in html
    assert "<legend>DigComp 4 Safety</legend>" in html
    values = _values(client, url, lt)
    set_value(values, "criteria-0-title", "Privacy")
    set_value(values, "criteria-0-competences", str(digcomp("4.2").pk))
    assert client.post(url, values).status_code == 302
    html = client.get(url, {"lt": lt}).content.decode()
    ticked = re.search(rf'<input[^>]*value="{digcomp("4.2").pk}"[^>]*>', html).group(0)
    assert "checked" in ticked and "(1 chosen)" in html


def test_validation_messages_stand_next_to_their_field(client, editor):
    lt, url = editor
    values = _values(client, url, lt)
    set_value(values, "criteria-0-title", "Quiz")
    set_value(values, "criteria-0-points", "10")
    set_value(values, "criteria-0-threshold", "12")
    set_value(values, "criteria-0-levels-0-name", "Gold")
    page = client.post(url, values)
    assert page.status_code == 400
    html = page.content.decode()
    assert "Nothing was saved" in html
    assert "The pass mark must be between 0 and 10." in _field_block(
        html, "id_criteria-0-threshold"
    )
    assert "Give the score this level starts at." in _field_block(
        html, "id_criteria-0-levels-0-min_score"
    )
    assert html.count("This field is required.") == 0
    # What was typed is kept.
    assert 'value="Gold"' in html and 'value="12"' in html
    # A card with a description but no name is not blank: it is named as missing a name.
    values = _values(client, url, lt)
    set_value(values, "criteria-0-description", "Shows search skills")
    html = client.post(url, values).content.decode()
    assert "Give the criterion a name." in _field_block(html, "id_criteria-0-title")
    assert not Criterion.objects.exists()


def _graded_course(course):
    quiz = add_line_item(course, "quiz")
    for name, score in (("Ann", 9), ("Bob", 6), ("Cy", 3)):
        grade(quiz, add_learner(course, name.lower(), name), score)
    return quiz


def test_preview_counts_the_edits_as_typed_and_saves_nothing(client, course, editor):
    lt, url = editor
    quiz = _graded_course(course)
    values = _values(client, url, lt)
    set_value(values, "criteria-0-title", "Quiz")
    set_value(values, "criteria-0-source", "existing")
    set_value(values, "criteria-0-line_item", str(quiz.pk))
    set_value(values, "criteria-0-threshold", "5")
    assert client.post(url, values).status_code == 302
    html = client.get(url, {"lt": lt}).content.decode()
    assert "2 of 3 learners would meet this rubric now." in html
    assert "Pass when “Quiz” at least 5 of 10 points (the latest result counts)." in html

    values = _values(client, url, lt)
    set_value(values, "criteria-0-threshold", "8")
    # The script's fetch: just the sentence and the preview, as HTML.
    live = client.post(url + "preview/", values)
    assert live.status_code == 200
    assert "1 of 3 learners would meet this rubric now." in live.content.decode()
    assert "at least 8 of 10 points" in live.content.decode()
    # Without script, the Preview button: the whole page, the edits kept, nothing saved.
    page = client.post(url, {**values, "preview": "1"})
    assert page.status_code == 200
    assert "1 of 3 learners would meet this rubric now." in page.content.decode()
    assert 'value="8"' in page.content.decode()
    assert Criterion.objects.get().threshold == 5.0
    # Half-typed edits: the preview waits, and says why.
    set_value(values, "criteria-0-points", "")
    assert b"preview waits" in client.post(url + "preview/", values).content


def test_the_editors_submit_is_the_setup_pages_and_the_credential_reaches_the_dashboard(
    client, course, platform, editor
):
    lt, url = editor
    quiz = _graded_course(course)
    Achievement.objects.create(
        platform=platform,
        course=course,
        name="Quiz Master",
        description="d",
        criteria_narrative="c",
    )
    values = _values(client, url, lt)
    set_value(values, "criteria-0-key", "quiz")
    set_value(values, "criteria-0-title", "Quiz")
    set_value(values, "criteria-0-source", "existing")
    set_value(values, "criteria-0-line_item", str(quiz.pk))
    assert client.post(url, values).status_code == 302
    editor_html = client.get(url, {"lt": lt}).content.decode()
    # "Submit for QA review" leads to the one submit path (the setup page's), for this version.
    href = re.search(r'data-testid="submit-version" href="([^"]+)"', editor_html).group(1)
    href = href.replace("&amp;", "&")
    setup = client.get(href)
    assert setup.status_code == 200
    form = submitted_values(setup.content.decode(), form_testid="setup-submit")
    form["mode"] = ["automatic"]
    client.post("/course/setup/submit", form)
    version = RubricVersion.objects.get()
    assert version.state == "submitted"
    rule = AwardingRule.objects.get()
    assert (rule.rubric_id, rule.achievement.name) == (version.rubric_id, "Quiz Master")
    qa = actor_from_user(make_qa_user(platform))
    approve(version=version, actor=qa)
    activate(version=version, actor=qa)
    dashboard = client.get("/course/", {"lt": lt}).content.decode()
    assert "Quiz Master" in dashboard
