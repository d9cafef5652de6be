"""Which language a page speaks (issue 13, item 8; ADR 0063): inside the LMS the launch's
locale, as Moodle and Canvas send it, over the sandbox LMS and real HTTP; on public pages the
browser's Accept-Language, with `Vary: Accept-Language` so a shared cache keeps one copy per
language."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse

from credentials.issuer_pages import issuer_page_url
from lms_sandbox.browserless import follow_launch
from lms_sandbox.models import SandboxEnrolment
from lms_sandbox.seed import connect_tool, seed_course
from lti_tool.launch_context import start_launch_session
from lti_tool.launch_locale import launch_language
from tests.pages.world import issue, make_world


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("de", "de"),
        ("de-DE", "de"),
        ("de_DE", "de"),
        ("de_du", "de"),  # Moodle's informal German pack
        ("es", "es"),
        ("es_mx", "es"),  # Moodle's Mexican Spanish pack
        ("es-419", "es"),
        ("EN-gb", "en"),
        ("fr", None),
        ("zh-Hans", None),
        ("", None),
        ("  ", None),
    ],
)
def test_launch_language_maps_lms_locales_to_the_sites_languages(locale, language):
    assert launch_language(locale) == language


LEARNER_HEADING = {
    "en": "Your credentials in Digital Skills 101",
    "de": "Ihre Nachweise in Digital Skills 101",
    "es": "Tus credenciales en Digital Skills 101",
}
MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
}


def _vary(response) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("Vary", "").split(",")}


def _learner_launch(live_server, *, flavour: str, locale: str, accept_language: str = ""):
    sp, _platform = connect_tool(flavour=flavour, tool_base_url=live_server.url)
    course = seed_course(platform=sp, title="Digital Skills 101", learners=1)
    user = SandboxEnrolment.objects.filter(course=course, role="learner").first().user
    user.locale = locale
    user.save(update_fields=["locale"])
    query = f"course={course.pk}&user={user.pk}&role=learner"
    link = course.resource_links.first()
    if link:
        query += f"&link={link.pk}"
    session = requests.Session()
    if accept_language:
        session.headers["Accept-Language"] = accept_language
    url = f"{live_server.url}{reverse('lms_sandbox:start_launch', args=[sp.slug])}?{query}"
    page = follow_launch(session, url)
    assert page.status_code == 200 and urlsplit(page.url).path == "/learner/", page.text[:300]
    return page


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("flavour", "locale", "language"),
    [
        ("canvas", "de", "de"),
        ("moodle", "de", "de"),
        ("canvas", "de-DE", "de"),
        ("canvas", "es", "es"),
        ("moodle", "es_mx", "es"),
    ],
)
def test_the_launch_locale_chooses_the_learner_pages_language(
    live_server, flavour, locale, language
):
    # The browser asks for English: inside the LMS the LMS's own choice wins.
    page = _learner_launch(
        live_server, flavour=flavour, locale=locale, accept_language="en-US,en;q=0.9"
    )
    assert page.headers["Content-Language"] == language
    assert f'<html lang="{language}">' in page.text
    assert LEARNER_HEADING[language] in page.text


@pytest.mark.django_db(transaction=True)
def test_an_unknown_launch_locale_falls_back_to_the_browser_then_english(live_server):
    page = _learner_launch(live_server, flavour="canvas", locale="fr")
    assert page.headers["Content-Language"] == "en"
    assert '<html lang="en">' in page.text
    assert LEARNER_HEADING["en"] in page.text
    page = _learner_launch(live_server, flavour="moodle", locale="fr", accept_language="es")
    assert page.headers["Content-Language"] == "es"
    assert LEARNER_HEADING["es"] in page.text


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "issuer"])
def test_public_pages_follow_accept_language_and_vary_by_it(client, path):
    if path == "issuer":
        world = make_world()
        award = issue(world, world.learners[0])
        path = urlsplit(issuer_page_url(award.credential.issuer.slug)).path
    response = client.get(path, HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Verificar una credencial" in html or "Comprobar una credencial de este emisor" in html
    assert "public" in response["Cache-Control"]
    # A shared cache must key the copy on the language; no cookie chooses it, so none varies it.
    assert "accept-language" in _vary(response)
    assert "cookie" not in _vary(response)
    english = client.get(path, HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="en")
    assert english["Content-Language"] == "en"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("locale", "language", "issued_on"),
    [
        ("de-DE", "de", "Ausgestellt am"),
        ("es", "es", "Emitida el"),
    ],
)
def test_the_learners_dates_are_written_in_the_launch_language(client, locale, language, issued_on):
    world = make_world()
    ada = world.learners[0]
    award = issue(world, ada)
    launch = start_launch_session(
        platform_id=world.platform.pk,
        deployment_id="dep-1",
        context_id=world.course.context_id,
        course_id=world.course.pk,
        user_sub=ada.sub,
        learner_id=ada.pk,
        roles={"learner"},
        locale=locale,
    )
    html = client.get("/learner/", {"lt": launch.token}).content.decode()
    issued = award.credential.valid_from
    month = MONTHS[language][issued.month - 1]
    assert issued_on in html
    # The news of the award, written by a background task, is said in the reader's language.
    earned = {"de": "Sie haben „%s“ erworben.", "es": "Has obtenido «%s»."}[language]
    assert earned % world.achievement.name in html
    # Each language's own DATE_FORMAT: "3. Dezember 2026", "3 de diciembre de 2026".
    assert re.search(rf"{month}( de)? {issued.year}", html), f"no {month} on the {language} page"


@pytest.mark.django_db
@pytest.mark.parametrize(("accept", "language"), [("de", "de"), ("es-MX,es;q=0.8", "es")])
def test_the_public_credential_page_writes_its_dates_in_the_browsers_language(
    client, accept, language
):
    world = make_world()
    award = issue(world, world.learners[0])
    page = client.get(
        reverse("credentials:page", args=[award.credential.pk]),
        HTTP_ACCEPT="text/html",
        HTTP_ACCEPT_LANGUAGE=accept,
    )
    assert page.status_code == 200 and page["Content-Language"] == language
    page.text = page.content.decode()
    issued = award.credential.valid_from
    assert re.search(rf"{MONTHS[language][issued.month - 1]}( de)? {issued.year}", page.text)
