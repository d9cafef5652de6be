"""A launch's database work stays bounded: the tool's three answers (login initiation, the
id_token POST, the landing page) of a real launch from the sandbox LMS make at most
LAUNCH_QUERIES queries once the platform's key set is cached (bench/launch.py measures the
same figure under load), and, on Redis, at most LAUNCH_REDIS_ROUND_TRIPS cache round trips.
The sandbox LMS's own pages run through the same test client but are not counted; its key set
is served over real HTTP by the live server."""

import threading
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from django.core.cache import caches
from django.db import connection
from django.urls import reverse

from assessments.models import Course
from config.cache_fallback import FallbackCache
from lms_sandbox.models import SandboxEnrolment
from lms_sandbox.seed import connect_tool, seed_course
from lti_tool.models import Platform
from lti_tool.prepared_reads import STATEMENT_SEPARATOR
from tests.query_counts import count_queries

pytestmark = pytest.mark.django_db(transaction=True)

TOOL = "http://testserver"
# Statements, reached by writing only changed rows and loading the platform once (was 23, then
# 13), then by reading a returning person's enrolment, course and learner in one query without
# a transaction, the login's platform with its deployment, and a learner's pathways with their
# institution (ADR 0072); raise it only with a reason.
LAUNCH_QUERIES = 9
# Database round trips on PostgreSQL, where reads that do not wait for each other go together
# (ADR 0083): login 1; id_token POST 1 (the platform with its deployment, and the person's
# enrolment with course and learner, both keyed by the claims before verification and used
# only if the verified claims name them); landing page 1 (its course, the learner, the active
# rules, the unread notifications, the account's links and its institution's pathways).
LAUNCH_DB_ROUND_TRIPS = 3
# Redis round trips of the tool's three answers (a pipeline or MGET is one): the login's state
# (1); the id_token POST's login state with the key set in one MGET (ADR 0083), the nonce
# marked used with the state's delete in one pipeline, and the launch session (3, was 5, then
# 4); the landing page's launch session with the framing list in one MGET (1, was 2). ADR 0080:
# each round trip costs the tool 0.1-0.4 ms of CPU, more than a prepared query.
LAUNCH_REDIS_ROUND_TRIPS = {"/lti/login/": 1, "/lti/launch/": 3, "landing page": 1}


def _form(response):
    if "html" not in response.get("Content-Type", "") or not response.content:
        return None
    forms = lxml.html.fromstring(response.content).forms
    return forms[0] if forms else None


class RedisRoundTrips:
    """Counts what this thread sends to Redis (one send per command, per pipeline or MGET)
    while `active`; the live server's threads (the sandbox LMS's key set) are not counted."""

    def __init__(self, monkeypatch) -> None:
        from redis.connection import AbstractConnection

        self.active = False
        self.sent = 0
        original = AbstractConnection.send_packed_command
        thread = threading.get_ident()

        def counted(conn, command, check_health=True):
            if self.active and threading.get_ident() == thread:
                self.sent += 1
            return original(conn, command, check_health)

        monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)


def launch(client, start: str, redis: RedisRoundTrips | None = None) -> list[tuple[str, list]]:
    """Drive one launch to its landing page; returns the tool's answers with their queries
    (and, with `redis`, each answer's Redis round trips after its queries)."""
    tool_answers: list[tuple[str, list]] = []

    def request(method: str, url: str, data=None):
        if urlsplit(url).netloc != "testserver":
            return getattr(client, method)(url, data)
        sent = redis.sent if redis else 0
        if redis:
            redis.active = True
        try:
            with count_queries() as queries:
                response = getattr(client, method)(url, data)
        finally:
            if redis:
                redis.active = False
        tool_answers.append(
            (urlsplit(url).path, queries.sql + ([redis.sent - sent] if redis else []))
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
    statements = sum(1 + sql.count(STATEMENT_SEPARATOR) for _, q in answers for sql in q)
    detail = "\n".join(f"{path}: {len(q)}\n  " + "\n  ".join(q) for path, q in answers)
    assert statements <= LAUNCH_QUERIES, f"{statements} statements per launch:\n{detail}"
    if connection.vendor == "postgresql":
        trips = sum(len(q) for _, q in answers)
        assert trips <= LAUNCH_DB_ROUND_TRIPS, f"{trips} round trips per launch:\n{detail}"


@pytest.mark.redis
def test_a_launch_makes_a_bounded_number_of_redis_round_trips(
    client, live_server, settings, monkeypatch
):
    """With the deployed cache (Redis behind the database fallback), a returning learner's
    launch: a regression (a second read on the landing page, a call per key) fails here."""
    if not isinstance(caches["default"], FallbackCache):
        pytest.skip("the deployed cache (REDIS_URL) is not configured")
    settings.LTI_ALLOW_HTTP_PLATFORMS = True
    sp, platform = connect_tool(
        flavour="moodle", tool_base_url=TOOL, sandbox_base_url=live_server.url
    )
    course = seed_course(platform=sp, title="Bench course", learners=1)
    Course.objects.create(
        platform=Platform.objects.get(pk=platform.pk),
        context_id=course.context_id,
        deployment_id=sp.deployment_id,
        sync_enabled=False,
    )
    learner = SandboxEnrolment.objects.filter(course=course, role="learner").first()
    link = course.resource_links.first()
    start = (
        f"{live_server.url}{reverse('lms_sandbox:start_launch', args=[sp.slug])}"
        f"?course={course.pk}&user={learner.user_id}&role=learner&link={link.pk}"
    )
    launch(client, start)  # the key set fetched and cached, the learner met
    client.cookies.clear()
    redis = RedisRoundTrips(monkeypatch)
    answers = launch(client, start, redis)
    trips = {
        (path if path.startswith("/lti/") else "landing page"): counted[-1]
        for path, counted in answers
    }
    assert trips == LAUNCH_REDIS_ROUND_TRIPS
