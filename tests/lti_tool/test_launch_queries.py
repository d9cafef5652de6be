"""A launch's database work stays bounded: the tool's three answers (login initiation, the
id_token POST, the landing page) of a real launch from the sandbox LMS make at most
LAUNCH_QUERIES queries once the platform's key set is cached (bench/launch.py measures the
same figure under load). The sandbox LMS's own pages run through the same test client but
are not counted; its key set is served over real HTTP by the live server."""

from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Course
from lms_sandbox.models import SandboxEnrolment
from lms_sandbox.seed import connect_tool, seed_course
from lti_tool.models import Platform

pytestmark = pytest.mark.django_db(transaction=True)

TOOL = "http://testserver"
# Reached by writing only changed rows and loading the platform once (was 23, then 13), then
# by reading a returning person's enrolment, course and learner in one query without a
# transaction, the login's platform with its deployment, and a learner's pathways with their
# institution (ADR 0072); raise it only with a reason.
LAUNCH_QUERIES = 9

# What depends on the deployment, not on the launch code: transaction control (PostgreSQL's
# BEGIN/COMMIT are logged, SQLite's are not) and the cache when it is the database cache
# (the nonce store with REDIS_URL set, as in CI). Counted apart so the bound is the same on
# every backend.
_NOT_COUNTED = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def _counted(sql: str) -> bool:
    return not sql.upper().startswith(_NOT_COUNTED) and "credbridge_cache" not in sql


def _form(response):
    if "html" not in response.get("Content-Type", "") or not response.content:
        return None
    forms = lxml.html.fromstring(response.content).forms
    return forms[0] if forms else None


def launch(client, start: str) -> list[tuple[str, list[str]]]:
    """Drive one launch to its landing page; returns the tool's answers with their queries."""
    tool_answers: list[tuple[str, list[str]]] = []

    def request(method: str, url: str, data=None):
        if urlsplit(url).netloc != "testserver":
            return getattr(client, method)(url, data)
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url, data)
        tool_answers.append(
            (urlsplit(url).path, [q["sql"] for q in queries.captured_queries if _counted(q["sql"])])
        )
        return response

    url = start
    response = request("get", url)
    for _ in range(10):
        if response.status_code in (301, 302, 303):
            location = urljoin(url, response["Location"])
            url = location
            response = request("get", location)
            if "lt=" in location and urlsplit(location).netloc == "testserver":
                assert response.status_code == 200, response.content[:500]
                return tool_answers
            continue
        form = _form(response)
        assert form is not None, (url, response.status_code, response.content[:500])
        url = urljoin(url, form.get("action") or url)
        data = {i.get("name"): i.value or "" for i in form.inputs if i.get("name")}
        response = request((form.get("method") or "get").lower(), url, data)
    raise AssertionError("launch did not reach its landing page in 10 hops")


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_a_launch_makes_a_bounded_number_of_queries(client, live_server, settings, flavour):
    settings.LTI_ALLOW_HTTP_PLATFORMS = True  # the live server's sandbox is plain http
    sp, platform = connect_tool(
        flavour=flavour, tool_base_url=TOOL, sandbox_base_url=live_server.url
    )
    course = seed_course(platform=sp, title="Bench course", learners=2)
    Course.objects.create(
        platform=Platform.objects.get(pk=platform.pk),
        context_id=course.context_id,
        deployment_id=sp.deployment_id,
        sync_enabled=False,  # the launch's own work, not the grade sync it would start
    )
    link = course.resource_links.first()
    learners = SandboxEnrolment.objects.filter(course=course, role="learner")
    starts = [
        f"{live_server.url}{reverse('lms_sandbox:start_launch', args=[sp.slug])}"
        f"?course={course.pk}&user={e.user_id}&role=learner" + (f"&link={link.pk}" if link else "")
        for e in learners
    ]
    launch(client, starts[0])  # the first launch fetches the key set and meets the learner
    client.cookies.clear()
    answers = launch(client, starts[0])
    paths = [path for path, _ in answers]
    assert paths[:2] == ["/lti/login/", "/lti/launch/"] and len(paths) == 3, paths
    total = sum(len(q) for _, q in answers)
    detail = "\n".join(f"{path}: {len(q)}\n  " + "\n  ".join(q) for path, q in answers)
    assert total <= LAUNCH_QUERIES, f"{total} queries per launch:\n{detail}"
