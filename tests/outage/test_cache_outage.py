"""Redis stopped under a running tool (issue 12, H4): pages and launches still answer, from
the database cache; /healthz says 503 and names the cache; Redis back, /healthz is 200 again.

Everything over real HTTP against the live server, whose cache and broker are a redis-server
this test owns and kills (tests/outage/conftest.py). Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import time
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from credentials import demo
from credentials.credential_issuance import issue_credential
from credentials.issuers import get_or_create_issuer
from lms_sandbox.browserless import follow_launch
from lms_sandbox.models import SandboxEnrolment
from lms_sandbox.seed import connect_tool, seed_course

pytestmark = pytest.mark.django_db(transaction=True)


def a_credential(base_url: str):
    issuer = get_or_create_issuer(
        slug="uni", name="Example University", url="https://www.example.edu", email="b@x.edu"
    )
    achievement = demo.demo_achievement(base_url)
    cid = uuid.uuid4()
    return issue_credential(
        issuer=issuer,
        credential_id=cid,
        achievement=achievement,
        subject=demo.demo_subject(1),
        results=demo.demo_results(achievement),
        evidence=demo.demo_evidence(base_url, str(cid)),
        valid_from=timezone.now().replace(microsecond=0),
    )


def learner_launch_url(live_server, sp, course) -> str:
    user = SandboxEnrolment.objects.filter(course=course, role="learner").first().user
    query = f"course={course.pk}&user={user.pk}&role=learner"
    link = course.resource_links.first()
    if link:
        query += f"&link={link.pk}"
    return f"{live_server.url}{reverse('lms_sandbox:start_launch', args=[sp.slug])}?{query}"


def launch_as_learner(url: str) -> requests.Response:
    final = follow_launch(requests.Session(), url)
    assert urlsplit(final.url).path == "/learner/", [h.url for h in final.history]
    return final


@pytest.fixture
def tool(redis_backed, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    sp, _ = connect_tool(flavour="moodle", tool_base_url=live_server.url)
    course = seed_course(platform=sp, title="Outage 101", learners=2)
    return {
        "redis": redis_backed,
        "base": live_server.url,
        "launch_url": learner_launch_url(live_server, sp, course),
        "credential": a_credential(live_server.url),
    }


def healthz(base: str) -> requests.Response:
    return requests.get(base + "/healthz", timeout=10)


def test_redis_outage_degrades_and_recovers(tool):
    base, redis_server = tool["base"], tool["redis"]
    page = f"{base}/credentials/{tool['credential'].pk}"

    # Healthy: everything answers, launch state is in Redis.
    assert healthz(base).status_code == 200
    assert requests.get(page, timeout=10).status_code == 200
    final = launch_as_learner(tool["launch_url"])
    assert final.status_code == 200
    assert redis_server.keys("*launch-ctx:*"), "the launch context should live in Redis"

    redis_server.kill()

    # The public verification page and a full launch, learner landing included, still answer.
    started = time.monotonic()
    response = requests.get(page, timeout=10)
    assert response.status_code == 200 and "Verified" in response.text
    final = launch_as_learner(tool["launch_url"])
    assert final.status_code == 200, final.text[:500]
    # The page after the landing reads the launch context back (from the database cache).
    lt = parse_qs(urlsplit(final.url).query)["lt"][0]
    again = requests.get(f"{base}/learner/", params={"lt": lt}, timeout=10)
    assert again.status_code == 200 and "open the activity again" not in again.text
    # A dead Redis costs milliseconds: the whole outage run (page + launch of ~8 hops + page)
    # stays far from a socket timeout per call.
    assert time.monotonic() - started < 15

    health = healthz(base)
    assert health.status_code == 503
    checks = health.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["cache"].startswith("error"), checks
    assert checks["broker"].startswith("error"), checks

    redis_server.start()

    health = healthz(base)
    assert health.status_code == 200, health.text
    assert set(health.json()["checks"]) == {"database", "cache", "broker"}
    time.sleep(0.6)  # the fallback's RETRY_AFTER_S in these settings
    final = launch_as_learner(tool["launch_url"])
    assert final.status_code == 200
    assert redis_server.keys("*launch-ctx:*"), "back on Redis once it answers again"


def test_a_launch_cannot_be_replayed_across_the_outage(tool):
    """A nonce used before the outage, during it, or with Redis back stays used."""
    base, redis_server = tool["base"], tool["redis"]

    def launch_and_capture() -> dict:
        session = requests.Session()
        final = follow_launch(session, tool["launch_url"])
        hop = next(h for h in [*final.history, final] if urlsplit(h.url).path == "/lti/launch/")
        body = parse_qs(hop.request.body)
        return {"session": session, "id_token": body["id_token"][0], "state": body["state"][0]}

    def replay(captured: dict) -> requests.Response:
        return captured["session"].post(
            f"{base}/lti/launch/",
            data={"id_token": captured["id_token"], "state": captured["state"]},
            allow_redirects=False,
            timeout=10,
        )

    def assert_refused(response: requests.Response) -> None:
        assert response.status_code == 403, response.text[:300]
        assert response.headers["X-LTI-Refusal"] in {"nonce_replayed", "unknown_state"}

    before = launch_and_capture()  # nonce used while Redis is up
    redis_server.kill()
    assert_refused(replay(before))
    during = launch_and_capture()  # nonce used in the database cache
    assert_refused(replay(during))
    redis_server.start()
    time.sleep(0.6)
    assert_refused(replay(before))
    assert_refused(replay(during))


def test_a_login_begun_before_the_outage_is_refused_clearly(tool):
    """The login record was in Redis only: the launch after Redis died is a clear refusal
    (open the activity again), never a 500; a fresh launch then works."""
    from lms_sandbox.browserless import _autosubmit_form, form_fields

    redis_server = tool["redis"]
    session = requests.Session()
    # Walk the launch by hand up to the id_token POST, then kill Redis before sending it.
    response = session.get(tool["launch_url"], timeout=10)
    while True:
        form = _autosubmit_form(response)
        assert form is not None, response.text[:300]
        action = requests.compat.urljoin(response.url, form.get("action") or response.url)
        if urlsplit(action).path == "/lti/launch/":
            break
        method = (form.get("method") or "get").lower()
        response = session.request(method, action, data=form_fields(form), timeout=10)
    redis_server.kill()
    refused = session.post(action, data=form_fields(form), allow_redirects=False, timeout=10)
    assert refused.status_code == 403 and refused.headers["X-LTI-Refusal"] == "unknown_state"
    assert launch_as_learner(tool["launch_url"]).status_code == 200
