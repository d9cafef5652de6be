"""Four eyes on every path: the author of a rubric version never approves nor activates it —
not through the workflow service, not in the QA console (handoff session), not in the admin."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from qa_console.handoff import mint_code
from rubrics.actors import Actor
from rubrics.models import RubricVersion
from rubrics.workflow import NotAllowed, activate, approve

pytestmark = pytest.mark.django_db


def _author_admin(world):
    """An LMS administrator who wrote the version; another QA person approved it."""
    launch = world.launch(world.instructor, "instructor", "administrator")
    author = f"lti:{world.platform.pk}:{world.instructor.sub}"
    RubricVersion.objects.filter(pk=world.version.pk).update(state="approved", author=author)
    world.version.refresh_from_db()
    return launch, author


def test_the_workflow_refuses_the_author_activating(world):
    _launch, author = _author_admin(world)
    actor = Actor(id=author, name="Tess", qa_platform_ids=frozenset({world.platform.pk}))
    with pytest.raises(NotAllowed, match="another person"):
        activate(version=world.version, actor=actor)
    world.version.refresh_from_db()
    assert world.version.state == "approved"
    other = Actor(id="user:99", name="Quinn", qa_platform_ids=frozenset({world.platform.pk}))
    assert activate(version=world.version, actor=other).state == "active"


def test_the_workflow_refuses_the_author_approving(world):
    author = f"lti:{world.platform.pk}:{world.instructor.sub}"
    RubricVersion.objects.filter(pk=world.version.pk).update(state="submitted", author=author)
    world.version.refresh_from_db()
    actor = Actor(id=author, name="Tess", qa_platform_ids=frozenset({world.platform.pk}))
    with pytest.raises(NotAllowed):
        approve(version=world.version, actor=actor)


def test_the_qa_console_refuses_the_author_activating(world):
    launch, _author = _author_admin(world)
    browser = Client(enforce_csrf_checks=True)
    browser.get("/qa/login/")
    csrf = browser.cookies["csrftoken"].value
    redeemed = browser.post(
        "/qa/handoff/", {"code": mint_code(launch), "csrfmiddlewaretoken": csrf}
    )
    assert redeemed.status_code == 302
    page = browser.get(f"/qa/versions/{world.version.pk}/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(
        f"/qa/versions/{world.version.pk}/", {"action": "activate", "csrfmiddlewaretoken": csrf}
    )
    assert response.status_code == 403 and b"another person" in response.content
    world.version.refresh_from_db()
    assert world.version.state == "approved"


def test_the_admin_cannot_change_a_version_state(world, client):
    _author_admin(world)
    client.force_login(User.objects.create_superuser("root", "r@example.org", "pw-Strong-123"))
    url = f"/admin/rubrics/rubricversion/{world.version.pk}/change/"
    response = client.post(url, {"state": "active", "author": "x", "number": 1})
    assert response.status_code == 403
    page = client.get(url).content.decode()
    assert 'name="state"' not in page  # shown read-only, no input to change it
    world.version.refresh_from_db()
    assert world.version.state == "approved"
