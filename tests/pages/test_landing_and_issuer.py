"""The site root and the issuer's public page, as people and machines ask for them (issue 13,
item 1): what Credbridge is and how an LMS registers it; the issuer's Profile JSON and its HTML
page at the one URL every credential names as `issuer.url`."""

from __future__ import annotations

import json

import jsonschema
import pytest
from django.core.cache import caches

from credentials.issuer_pages import issuer_page_url
from credentials.models import Issuer
from credentials.schema import SCHEMA_PATH

from .world import issue, make_world

pytestmark = pytest.mark.django_db

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PROFILE_SCHEMA = json.loads(
    (SCHEMA_PATH.parent / "ob_v3p0_profile_schema.json").read_text(encoding="utf-8")
)


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",")}


def test_landing_page_says_what_it_is_and_how_to_register(client, settings):
    settings.PUBLIC_BASE_URL = "https://credbridge.example.edu"
    response = client.get("/", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Open Badges 3.0" in html
    for audience in ("Instructors", "Learners", "Quality assurance staff", "LMS administrators"):
        assert audience in html
    assert "Employers" in html
    # The addresses an LMS admin pastes, from PUBLIC_BASE_URL (never the Host header).
    assert "https://credbridge.example.edu/lti/register/" in html
    assert "https://credbridge.example.edu/lti/canvas.json" in html
    assert 'href="/credentials/verify"' in html
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


def test_the_landing_pages_registration_urls_answer(client):
    html = client.get("/").content.decode()
    assert "/lti/register/" in html
    assert client.get("/lti/canvas.json").status_code == 200
    assert client.get("/credentials/verify").status_code == 200


def test_issued_credential_names_the_issuer_page_as_url_and_it_exists(client, settings):
    world = make_world()
    award = issue(world, world.learners[0])
    document = award.credential.data
    issuer = document["issuer"]
    assert issuer["url"] == issuer_page_url(award.credential.issuer.slug)
    assert issuer["url"] != settings.PUBLIC_BASE_URL.rstrip("/")
    path = issuer["url"].removeprefix(settings.PUBLIC_BASE_URL.rstrip("/"))
    page = client.get(path, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    profile = client.get(path, HTTP_ACCEPT="application/json")
    assert profile.status_code == 200 and profile.json()["id"] == issuer["id"]
    # issuer.id is a did:web; its document stays JSON for resolvers at the did:web path.
    slug = award.credential.issuer.slug
    did = client.get(f"/issuers/{slug}/did.json", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert did["Content-Type"] == "application/json" and did.json()["id"] == issuer["id"]


def test_issuer_page_negotiates_and_varies_on_accept(client):
    world = make_world()
    award = issue(world, world.learners[0])
    path = f"/issuers/{award.credential.issuer.slug}"
    cases = {
        BROWSER_ACCEPT: "text/html",
        "text/html": "text/html",
        "application/json": "application/json",
        "application/ld+json": "application/ld+json",
        "*/*": "application/json",
        "application/json;q=0.5, text/html": "text/html",
        "text/html;q=0.5, application/json": "application/json",
    }
    for accept, expected in cases.items():
        response = client.get(path, HTTP_ACCEPT=accept)
        assert response.status_code == 200, accept
        assert response["Content-Type"].split(";")[0] == expected, accept
        assert "accept" in vary(response), accept
        assert "public" in response["Cache-Control"], accept
    # No Accept at all (curl, verifiers of old): the Profile, as before.
    assert client.get(path)["Content-Type"] == "application/json"


def test_profile_json_is_valid_against_the_ob3_profile_schema(client):
    world = make_world()
    award = issue(world, world.learners[0])
    issuer = award.credential.issuer
    Issuer.objects.filter(pk=issuer.pk).update(
        email="badges@example.edu", description="The university's badges."
    )
    profile = client.get(f"/issuers/{issuer.slug}", HTTP_ACCEPT="application/json").json()
    jsonschema.Draft201909Validator(PROFILE_SCHEMA).validate(profile)
    assert profile["type"] == ["Profile"]
    assert profile["url"] == issuer_page_url(issuer.slug)
    assert profile["email"] == "badges@example.edu"
    # The schema would accept a missing id; the Profile in credentials must match it.
    assert profile["id"] == award.credential.data["issuer"]["id"]


def test_issuer_page_lists_public_achievements_only(client):
    world = make_world(achievement_name="Data Literacy Badge")
    award = issue(world, world.learners[0])
    issuer = award.credential.issuer
    from awarding.models import Achievement

    draft = Achievement.objects.create(
        platform=world.platform,
        course=world.course,
        name="Unfinished Draft",
        description="Nobody awards it.",
        criteria_narrative="-",
    )
    html = client.get(f"/issuers/{issuer.slug}", HTTP_ACCEPT=BROWSER_ACCEPT).content.decode()
    assert "Data Literacy Badge" in html
    assert f"/achievements/{world.achievement.uuid}" in html
    assert draft.name not in html
    # Another institution's achievements never show on this issuer's page.
    other = make_world(achievement_name="Other Place Badge")
    issue(other, other.learners[0])
    html = client.get(f"/issuers/{issuer.slug}", HTTP_ACCEPT=BROWSER_ACCEPT).content.decode()
    assert "Other Place Badge" not in html


def test_issuer_page_escapes_names(client):
    world = make_world(achievement_name="<script>alert(1)</script>")
    award = issue(world, world.learners[0])
    html = client.get(
        f"/issuers/{award.credential.issuer.slug}", HTTP_ACCEPT=BROWSER_ACCEPT
    ).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_unknown_issuer_is_404(client):
    assert client.get("/issuers/nobody", HTTP_ACCEPT=BROWSER_ACCEPT).status_code == 404


def test_old_root_urls_of_issuers_move_to_their_page(settings):
    """The data migration: an issuer made with the site root as url gets its page instead."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("credentials.migrations.0003_issuer_url_is_its_page")
    root = settings.PUBLIC_BASE_URL.rstrip("/")
    old = Issuer.objects.create(slug="old-one", name="Old", url=root)
    kept = Issuer.objects.create(slug="own-site", name="Own", url="https://www.example.edu")
    migration.point_at_issuer_pages(apps, None)
    old.refresh_from_db()
    kept.refresh_from_db()
    assert old.url == issuer_page_url("old-one")
    assert kept.url == "https://www.example.edu"


def test_pages_answer_when_redis_is_down(client, settings):
    """The production cache (tests/outage/services.fallback_caches) with its Redis refusing
    connections (nothing listens on port 1): the public pages still answer."""
    from django.core.management import call_command

    from config import cache_fallback
    from tests.outage.services import fallback_caches

    world = make_world()
    award = issue(world, world.learners[0])
    settings.CACHES = fallback_caches("redis://127.0.0.1:1/13")
    call_command("createcachetable", verbosity=0)
    cache_fallback._HEALTH.clear()
    try:
        with pytest.raises(Exception):
            caches["redis"].get("probe")  # Redis really is down
        slug = award.credential.issuer.slug
        assert client.get("/", HTTP_ACCEPT=BROWSER_ACCEPT).status_code == 200
        assert client.get(f"/issuers/{slug}", HTTP_ACCEPT=BROWSER_ACCEPT).status_code == 200
        assert client.get(f"/issuers/{slug}", HTTP_ACCEPT="application/json").status_code == 200
    finally:
        cache_fallback._HEALTH.clear()


def test_cached_public_pages_show_nobodys_messages(rf, settings):
    """Shared caches keep these pages five minutes: a message waiting for one visitor (say,
    after a form elsewhere) must not be baked into the copy everyone gets."""
    from django.contrib import messages
    from django.contrib.messages.storage.cookie import CookieStorage

    from config.landing import landing
    from credentials.views import issuer_profile

    world = make_world()
    award = issue(world, world.learners[0])
    for view, args in ((landing, ()), (issuer_profile, (award.credential.issuer.slug,))):
        request = rf.get("/", HTTP_ACCEPT=BROWSER_ACCEPT)
        request._messages = CookieStorage(request)
        messages.info(request, "Private note for one visitor")
        html = view(request, *args).content.decode()
        assert "Private note for one visitor" not in html
