"""Public pages: the achievement (HTML and JSON-LD) and the evidence page's refusals."""

import uuid

import pytest

from .world import make_world

pytestmark = pytest.mark.django_db


def test_achievement_page_html(client, world):
    response = client.get(f"/achievements/{world.achievement.uuid}")
    assert response.status_code == 200
    assert "Accept" in [v.strip() for v in response["Vary"].split(",")]
    html = response.content.decode()
    assert "Data Literacy Badge" in html
    assert "Score at least 6 of 10 in both criteria." in html
    assert "Search data" in html and "Foundation" in html  # criteria of the active version


def test_achievement_page_json_ld(client, world):
    response = client.get(f"/achievements/{world.achievement.uuid}", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    doc = response.json()
    assert doc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "Achievement" in doc["type"]
    assert doc["id"].endswith(f"/achievements/{world.achievement.uuid}")
    assert doc["name"] == "Data Literacy Badge"
    assert doc["criteria"]["narrative"] == "Score at least 6 of 10 in both criteria."
    assert [rd["name"] for rd in doc["resultDescription"]] == ["Search data", "Evaluate data"]
    ld = client.get(f"/achievements/{world.achievement.uuid}", HTTP_ACCEPT="application/ld+json")
    assert ld["Content-Type"] == "application/ld+json"


def test_achievement_page_escapes(client, db):
    evil = "<script>alert(1)</script>"
    w = make_world(achievement_name=evil)
    html = client.get(f"/achievements/{w.achievement.uuid}").content.decode()
    assert evil not in html and "&lt;script&gt;" in html


def test_unknown_achievement_is_404(client, db):
    assert client.get(f"/achievements/{uuid.uuid4()}").status_code == 404


def test_evidence_page_is_404_for_unknown_held_or_pending_awards(client, world):
    assert client.get(f"/evidence/{uuid.uuid4()}").status_code == 404
    ada, grace, _ = world.learners
    world.decide(ada, {"search": 9, "evaluate": 9})
    held = world.award(ada, state="held")
    world.decide(grace, {"search": 9, "evaluate": 9})
    pending = world.award(grace, state="pending")
    assert client.get(f"/evidence/{held.uuid}").status_code == 404
    assert client.get(f"/evidence/{pending.uuid}").status_code == 404
