"""Every page of the tool gets a strict CSP: scripts from the tool's origin or with this
response's nonce only; the inline scripts the templates need carry that nonce."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d for d in (p.strip() for p in header.split(";")) if d}


def _nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", _policy(response)["script-src"]).group(1)


def test_pages_have_script_src_with_a_fresh_nonce(client, world):
    teacher = world.launch(world.instructor, "instructor").token
    first = client.get("/course/", {"lt": teacher})
    second = client.get("/course/", {"lt": teacher})
    policy = _policy(first)
    assert policy["script-src"].startswith("script-src 'self' 'nonce-")
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["object-src"] == "object-src 'none'"
    assert policy["base-uri"] == "base-uri 'none'"
    assert policy["frame-ancestors"].startswith("frame-ancestors 'self'")
    assert _nonce(first) != _nonce(second)
    # The dashboard's inline script runs: it carries this response's nonce...
    scripts = re.findall(r"<script([^>]*)>", first.content.decode())
    assert scripts and all(f'nonce="{_nonce(first)}"' in attrs for attrs in scripts)


@pytest.mark.parametrize("url", ["/qa/login/", "/admin/login/", "/learner/", "/healthz"])
def test_console_admin_and_refusals_have_it_too(client, url):
    response = client.get(url)
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]


def test_learner_page_script_carries_the_nonce(client, world):
    from tests.pages.world import issue

    ada = world.learners[0]
    issue(world, ada)
    page = client.get("/learner/", {"lt": world.launch(ada).token})
    scripts = re.findall(r"<script([^>]*)>", page.content.decode())
    assert scripts and all(f'nonce="{_nonce(page)}"' in attrs for attrs in scripts)


def test_transit_pages_are_framable_anywhere_but_scripts_still_need_the_nonce(client):
    policy = _policy(client.post("/lti/login/", {}))
    assert policy["frame-ancestors"] == "frame-ancestors *"
    assert policy["script-src"].startswith("script-src 'self' 'nonce-")
