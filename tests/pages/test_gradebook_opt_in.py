"""The credential-column switch on the setup page, from the side of those who must not use it.

(The whole switch over real HTTP with the sandbox LMS is in tests/awarding/test_gradebook_column.)
"""

import pytest
from django.test import Client

from audit.models import AuditEvent

from .world import make_world

pytestmark = pytest.mark.django_db


def _url(world) -> str:
    return f"/course/setup/rules/{world.rule.pk}/gradebook"


def test_setup_page_explains_the_column_and_shows_it_off(client, world):
    launch = world.launch(world.instructor, "instructor")
    html = client.get("/course/setup/", {"lt": launch.token}).content.decode()
    section = html.split('id="gradebook"')[1].split("</section>")[0]
    assert "counts toward the course total" in section
    assert "Gradebook setup" in section and "Override weight of" in section
    assert "Do not count this assignment towards the final grade" in section
    assert f'id="gradebook_column_{world.rule.pk}">' in section  # unchecked
    assert world.rule.achievement.name in section


def test_a_learner_cannot_switch_the_column_on(client, world):
    launch = world.launch(world.learners[0], "learner")
    response = client.post(_url(world), {"lt": launch.token, "gradebook_column": "on"})
    assert response.status_code == 403
    world.rule.refresh_from_db()
    assert not world.rule.gradebook_column


def test_an_instructor_of_another_course_cannot_switch_this_rule(client, world):
    other = make_world(platform=world.platform, course_title="Other course")
    launch = other.launch(other.instructor, "instructor")
    response = client.post(_url(world), {"lt": launch.token, "gradebook_column": "on"})
    assert response.status_code == 404
    world.rule.refresh_from_db()
    assert not world.rule.gradebook_column


def test_a_cross_site_form_with_the_token_in_the_url_only_is_refused(world):
    launch = world.launch(world.instructor, "instructor")
    client = Client(enforce_csrf_checks=True)  # as a browser's cross-site POST meets it
    response = client.post(f"{_url(world)}?lt={launch.token}", {"gradebook_column": "on"})
    assert response.status_code == 403
    world.rule.refresh_from_db()
    assert not world.rule.gradebook_column


def test_switching_it_off_is_saved_and_audited(client, world):
    world.rule.gradebook_column = True
    world.rule.save()
    launch = world.launch(world.instructor, "instructor")
    response = client.post(_url(world), {"lt": launch.token})
    assert response.status_code == 302
    world.rule.refresh_from_db()
    assert not world.rule.gradebook_column
    event = AuditEvent.objects.get(action="awarding.rule.gradebook_column")
    assert event.before == {"gradebook_column": True} and event.after == {"gradebook_column": False}
