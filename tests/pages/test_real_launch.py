"""The pages after a real launch: the sandbox LMS launches the tool over real HTTP (live
server), the launch lands on the dashboard or the learner's home, and "Sync now" works."""

from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse

from lms_sandbox.browserless import follow_launch
from lms_sandbox.models import SandboxEnrolment
from lms_sandbox.seed import connect_tool, seed_course

pytestmark = pytest.mark.django_db(transaction=True)


def launch(live_server, sp, course, role):
    user = SandboxEnrolment.objects.filter(course=course, role=role).first().user
    query = f"course={course.pk}&user={user.pk}&role={role}"
    link = course.resource_links.first()
    if link:
        query += f"&link={link.pk}"
    url = f"{live_server.url}{reverse('lms_sandbox:start_launch', args=[sp.slug])}?{query}"
    session = requests.Session()
    return session, follow_launch(session, url), user


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_instructor_lands_on_the_dashboard_and_syncs(live_server, flavour):
    sp, _platform = connect_tool(flavour=flavour, tool_base_url=live_server.url)
    course = seed_course(platform=sp, title="Digital <b>Skills</b> 101", learners=3)
    session, page, _user = launch(live_server, sp, course, "instructor")
    assert page.status_code == 200 and urlsplit(page.url).path == "/course/"
    assert "Credentials in Digital &lt;b&gt;Skills&lt;/b&gt; 101" in page.text
    assert "Start the setup" in page.text  # a first-time instructor is pointed to the setup
    token = dict(p.split("=", 1) for p in urlsplit(page.url).query.split("&"))["lt"]
    # The dashboard's "Sync now" form posts to the assessments endpoint with the token.
    action = page.text.split('id="sync-form"')[0].rsplit('action="', 1)[1].split('"', 1)[0]
    response = session.post(
        f"{live_server.url}{action.replace('&amp;', '&')}",
        data={"lt": requests.utils.unquote(token)},
    )
    assert response.status_code == 202, response.text[:300]
    assert 'id="sync-status"' in response.text


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_learner_lands_on_their_home(live_server, flavour):
    sp, _platform = connect_tool(flavour=flavour, tool_base_url=live_server.url)
    course = seed_course(platform=sp, title="Digital Skills 101", learners=2)
    _session, page, _user = launch(live_server, sp, course, "learner")
    assert page.status_code == 200 and urlsplit(page.url).path == "/learner/"
    assert "Your credentials in Digital Skills 101" in page.text
    assert "This course does not award a credential yet." in page.text
