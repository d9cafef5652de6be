"""End to end over real HTTP: the sandbox LMS (Moodle and Canvas flavours) launches the tool
served by Django's live server, following the same auto-submitted forms a browser does."""

from urllib.parse import parse_qs, urljoin, urlsplit

import lxml.html
import pytest
import requests
from django.urls import reverse

from assessments.models import Course
from lms_sandbox.browserless import follow_launch
from lms_sandbox.models import SandboxEnrolment
from lms_sandbox.seed import connect_tool, seed_course
from lti_tool.launch_context import load_launch

pytestmark = pytest.mark.django_db(transaction=True)


def seed(sp, **kwargs):
    """A sandbox course, mirrored on the tool's side with its grade sync off: these tests are
    about the launch. (A launch otherwise syncs the course in-process, inside the request,
    against the sandbox served by the same live server; the sync has its own tests.)"""
    from lti_tool.models import Platform

    course = seed_course(platform=sp, **kwargs)
    platform = Platform.objects.get(issuer=sp.issuer, client_id=sp.client_id)
    Course.objects.create(
        platform=platform,
        context_id=course.context_id,
        deployment_id=sp.deployment_id,
        sync_enabled=False,
    )
    return course


def the_tool_redirect(response: requests.Response) -> requests.Response:
    """The tool's answer to the id_token POST (the redirect to a page with ?lt=)."""
    for hop in [*response.history, response]:
        if urlsplit(hop.url).path == "/lti/launch/":
            return hop
    raise AssertionError(f"no launch in {[h.url for h in response.history]}")


def start_url(live_server, sp, course, role, **extra):
    user = SandboxEnrolment.objects.filter(course=course, role=role).first().user
    link = course.resource_links.first()  # Moodle: the activity the teacher created
    if link and extra.get("message") != "deep_link":
        extra["link"] = link.pk
    query = "&".join(
        f"{k}={v}" for k, v in {"course": course.pk, "user": user.pk, "role": role, **extra}.items()
    )
    return f"{live_server.url}{reverse('lms_sandbox:start_launch', args=[sp.slug])}?{query}", user


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
@pytest.mark.parametrize(
    ("role", "landing", "tool_roles"),
    [
        ("instructor", "/course/", {"instructor"}),
        ("learner", "/learner/", {"learner"}),
        ("ta", "/course/", {"teaching_assistant"}),
    ],
)
def test_launch_from_the_sandbox(live_server, flavour, role, landing, tool_roles):
    sp, platform = connect_tool(flavour=flavour, tool_base_url=live_server.url)
    course = seed(sp, title="Digital Skills 101", learners=3, tas=1)
    url, user = start_url(live_server, sp, course, role)
    browser = requests.Session()
    final = follow_launch(browser, url)
    hop = the_tool_redirect(final)
    assert hop.status_code == 302, hop.text[:800]
    location = urlsplit(hop.headers["Location"])
    assert location.path == landing
    # The token is bound to the launching browser's User-Agent.
    token = parse_qs(location.query)["lt"][0]
    assert not load_launch(token, user_agent="another browser").present
    ctx = load_launch(token, user_agent=browser.headers["User-Agent"])
    assert ctx.present and ctx.platform_id == platform.pk
    assert tool_roles <= set(ctx.roles)
    assert ctx.user_sub == user.sub
    assert ctx.context_id == course.context_id
    mirrored = Course.objects.get(pk=ctx.course_id)
    assert mirrored.platform_id == platform.pk and mirrored.lineitems_url


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_replaying_a_sandbox_launch_is_refused(live_server, flavour):
    sp, _ = connect_tool(flavour=flavour, tool_base_url=live_server.url)
    course = seed(sp, title="Replay", learners=1)
    url, _ = start_url(live_server, sp, course, "learner")
    session = requests.Session()
    final = follow_launch(session, url)
    hop = the_tool_redirect(final)
    assert hop.status_code == 302
    body = dict(parse_qs(hop.request.body))
    replay = session.post(
        f"{live_server.url}/lti/launch/",
        data={"id_token": body["id_token"][0], "state": body["state"][0]},
        allow_redirects=False,
    )
    assert replay.status_code == 403 and replay.headers["X-LTI-Refusal"] == "nonce_replayed"


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_deep_linking_launch_from_the_sandbox_reaches_the_picker(live_server, flavour):
    sp, _ = connect_tool(flavour=flavour, tool_base_url=live_server.url)
    course = seed(sp, title="Placement", learners=1)
    url, _ = start_url(live_server, sp, course, "instructor", message="deep_link")
    session = requests.Session()
    final = follow_launch(session, url)
    assert urlsplit(final.url).path == "/lti/deep-link/", final.text[:500]
    assert final.status_code == 200 and "Place Credbridge" in final.text
    lt = parse_qs(urlsplit(final.url).query)["lt"][0]
    returned = session.post(
        f"{live_server.url}/lti/deep-link/",
        data={"lt": lt, "title": "Credbridge"},
    )
    assert returned.status_code == 200 and 'name="JWT"' in returned.text


def _submit(session: requests.Session, response: requests.Response) -> requests.Response:
    """Submit the page's (auto-submitted) form, as the browser's script would."""
    from lms_sandbox.browserless import form_fields

    form = lxml.html.fromstring(response.content).forms[0]
    action = urljoin(response.url, form.get("action") or response.url)
    if (form.get("method") or "get").lower() == "post":
        return session.post(action, data=form_fields(form))
    return session.get(action, params=form_fields(form))


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_deep_linking_round_trip_places_the_tool_without_a_line_item(live_server, flavour):
    from lms_sandbox.models import DeepLinkPlacement

    sp, _ = connect_tool(flavour=flavour, tool_base_url=live_server.url)
    course = seed(sp, title="Round trip", learners=1)
    url, _ = start_url(live_server, sp, course, "instructor", message="deep_link")
    session = requests.Session()
    picker = follow_launch(session, url)
    lt = parse_qs(urlsplit(picker.url).query)["lt"][0]
    page = session.post(
        f"{live_server.url}/lti/deep-link/",
        data={"lt": lt, "title": "Credbridge", "add_line_item": "on", "score_maximum": "20"},
    )
    done = _submit(session, page)  # the JWT goes back to the platform's return URL
    assert done.status_code == 200, done.text[:800]
    (placement,) = DeepLinkPlacement.objects.filter(course=course)
    assert placement.resource_link.title == "Credbridge"
    assert placement.resource_link.url == f"{live_server.url}/lti/launch/"
    # No grade column from the placement, even for a form asking the old way: the setup
    # page's per-credential opt-in is the one place that creates it.
    assert placement.line_item is None


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_dynamic_registration_with_the_sandbox_then_launch(live_server, flavour, settings):
    from django.core.management import call_command

    from lms_sandbox.registration import start_registration
    from lti_tool.models import Deployment, Platform

    # The sandbox is plain http on loopback (an operator's explicit choice), and the tool
    # tells the LMS its PUBLIC_BASE_URL, here the live server.
    settings.LTI_ALLOW_HTTP_PLATFORMS = True
    settings.LTI_PRIVATE_NETWORK_PLATFORMS = True
    settings.PUBLIC_BASE_URL = live_server.url
    sp, manual = connect_tool(flavour=flavour, tool_base_url=live_server.url)
    manual.delete()  # the tool forgets the manual registration: register dynamically instead
    start = start_registration(platform=sp, registration_url=f"{live_server.url}/lti/register/")
    session = requests.Session()
    page = session.get(start)
    assert page.status_code == 200 and 'id="register"' in page.text, page.text[:800]
    unnamed = _submit(session, page)
    if flavour == "moodle":  # a Moodle on a bare address has no name to offer: ask for one
        assert unnamed.status_code == 400 and "Give this LMS a name" in unnamed.text
        form = lxml.html.fromstring(unnamed.content).forms[0]
        form.fields["name"] = "Sandbox Moodle"
        done = session.post(urljoin(unnamed.url, form.get("action")), data=dict(form.fields))
    else:  # Canvas: its account name
        done = unnamed
    assert done.status_code == 200, done.text[:800]
    assert "org.imsglobal.lti.close" in done.text and "pending approval" in done.text
    sp.refresh_from_db()
    platform = Platform.objects.get(issuer=sp.issuer, client_id=sp.client_id)
    assert platform.flavour == flavour and platform.status == "pending"
    assert platform.key_set_url.startswith(live_server.url)
    assert sp.tool_login_url == f"{live_server.url}/lti/login/"
    # Moodle registers the tool off the activity chooser; the admin then puts it there.
    sp.coursevisible = sp.CourseVisible.ACTIVITY_CHOOSER
    sp.save(update_fields=["coursevisible"])
    course = seed(sp, title="After registration", learners=1)
    url, _ = start_url(live_server, sp, course, "learner")
    refused = follow_launch(requests.Session(), url)
    assert refused.status_code == 403 and refused.headers["X-LTI-Refusal"] == "platform_pending"
    # Approved by the operator, the registered deployment (or the first launch's, when the
    # platform gave none) launches.
    call_command("approve_platform", str(platform.pk))
    url, _ = start_url(live_server, sp, course, "learner")
    hop = the_tool_redirect(follow_launch(requests.Session(), url))
    assert hop.status_code == 302, hop.text[:800]
    assert Deployment.objects.filter(platform=platform, deployment_id=sp.deployment_id).exists()
