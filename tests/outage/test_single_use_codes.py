"""A spent QA handoff code stays spent when Redis dies (its marker is recorded in the
database, SINGLE_USE_PREFIXES): nothing but the cache guards that code's single use."""

import re

import pytest
from django.test import Client

from tests.pages.world import make_world

pytestmark = pytest.mark.django_db(transaction=True)


def _fields(html: str) -> dict:
    return dict(re.findall(r'name="(code|csrfmiddlewaretoken)" value="([^"]+)"', html))


def test_a_handoff_code_spent_before_the_outage_is_refused_during_it(redis_backed):
    world = make_world()
    admin = world.launch(world.instructor, "administrator")
    browser = Client(enforce_csrf_checks=True)
    # The tool's own page posts it: the browser names this site as the Origin.
    page = browser.post("/qa/handoff/start", {"lt": admin.token}, HTTP_ORIGIN="http://testserver")
    assert page.status_code == 200, page.content[:300]
    fields = _fields(page.content.decode())
    assert browser.post("/qa/handoff/", fields).status_code == 302
    assert redis_backed.keys("*qa-handoff-used:*"), "mirrored in Redis while it is up"

    redis_backed.kill()

    other = Client(enforce_csrf_checks=True)
    other.get("/qa/login/")
    replay = other.post(
        "/qa/handoff/",
        {"code": fields["code"], "csrfmiddlewaretoken": other.cookies["csrftoken"].value},
    )
    assert replay.status_code == 403 and b"already used" in replay.content
    assert other.get("/qa/").status_code == 302  # not signed in
