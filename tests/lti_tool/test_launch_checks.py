"""Every check of a launch, each refused with a clear page, a 4xx and a log line.

The platform's JWKS is served over real HTTP (tests/lti_tool/platform.py); the tool is driven
through Django's test client, which keeps the state cookie like a browser does.
"""

import base64
import json
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.core.cache import cache

from assessments.models import Course, Enrolment, Learner
from lti_tool.launch_context import load_launch
from lti_tool.models import Deployment
from lti_tool.signals import launch_verified

from .conftest import TOOL
from .platform import LEARNER, LTI

pytestmark = pytest.mark.django_db


def launch(client, token, state, **extra):
    return client.post("/lti/launch/", {"id_token": token, "state": state, **extra})


def assert_refused(response, status, code):
    assert response.status_code == status, response.content[:800]
    assert response["X-LTI-Refusal"] == code
    html = response.content.decode()
    assert 'class="refusal"' in html and code in html
    assert "Traceback" not in html


def test_instructor_launch_records_course_and_redirects_with_a_launch_token(
    client, fake_platform, login, caplog
):
    received = []

    def on_launch(sender, **kwargs):
        received.append(kwargs)

    # The course exists with its sync off: this test is about the launch, not the sync.
    Course.objects.create(platform=fake_platform.row, context_id="course-2", sync_enabled=False)
    ags = {
        "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"],
        "lineitems": fake_platform.issuer + "/services/2/lineitems?type_id=1",
    }
    launch_verified.connect(on_launch)
    try:
        state, nonce = login()
        claims = fake_platform.claims(
            nonce=nonce,
            tool=TOOL,
            **{"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags},
        )
        response = launch(client, fake_platform.sign(claims), state)
    finally:
        launch_verified.disconnect(on_launch)
    assert response.status_code == 302, response.content[:800]
    location = urlsplit(response["Location"])
    assert location.path == "/course/"
    token = parse_qs(location.query)["lt"][0]
    ctx = load_launch(token)
    assert ctx.present and ctx.is_instructor and not ctx.is_learner
    assert ctx.roles == frozenset({"instructor"})
    assert ctx.context_id == "course-2" and ctx.user_sub == "user-7"
    course = Course.objects.get(pk=ctx.course_id)
    assert course.platform_id == fake_platform.row.pk
    assert course.lineitems_url.endswith("/lineitems?type_id=1")
    learner = Learner.objects.get(pk=ctx.learner_id)
    assert learner.name == "Terry <b>Teacher</b>"
    assert Enrolment.objects.get(course=course, learner=learner).roles == ["instructor"]
    (signal,) = received
    assert signal["course"] == course and signal["learner"] == learner
    assert signal["platform"] == fake_platform.row and signal["launch"].launch_id == ctx.launch_id


def test_learner_launch_goes_to_the_learner_home(client, fake_platform, login):
    state, nonce = login()
    claims = fake_platform.claims(nonce=nonce, tool=TOOL, roles=["Learner"])
    response = launch(client, fake_platform.sign(claims), state)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/learner/"
    ctx = load_launch(parse_qs(urlsplit(response["Location"]).query)["lt"][0])
    assert ctx.is_learner and ctx.roles == frozenset({"learner"})


def test_bad_signature(client, fake_platform, login):
    state, nonce = login()
    other, _ = fake_platform.new_key()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL), key=other)
    assert_refused(launch(client, token, state), 401, "bad_signature")


def test_tampered_payload(client, fake_platform, login):
    state, nonce = login()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL, roles=[LEARNER]))
    head, _, sig = token.split(".")
    # The platform's header and signature around another payload (an instructor's claims).
    payload = json.dumps(fake_platform.claims(nonce=nonce, tool=TOOL)).encode()
    forged = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    token = ".".join([head, forged, sig])
    assert_refused(launch(client, token, state), 401, "bad_signature")


def test_unknown_kid_refetches_the_platform_jwks_once_then_refuses(
    client, fake_platform, login, key_server
):
    state, nonce = login()
    other, kid = fake_platform.new_key()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL), key=other, kid=kid)
    assert_refused(launch(client, token, state), 401, "unknown_kid")
    assert key_server.hits == 2  # the cached fetch, then one refetch


def test_rotated_platform_key_is_picked_up_by_the_refetch(client, fake_platform, login, key_server):
    state, nonce = login()
    assert (
        launch(
            client, fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL)), state
        ).status_code
        == 302
    )
    assert key_server.hits == 1
    new, kid = fake_platform.new_key()
    key_server.keys.append(fake_platform.public(new, kid))  # the platform rotates
    state, nonce = login()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL), key=new, kid=kid)
    assert launch(client, token, state).status_code == 302
    assert key_server.hits == 2
    state, nonce = login()
    assert (
        launch(
            client, fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL)), state
        ).status_code
        == 302
    )
    assert key_server.hits == 2  # cached


def test_a_key_set_cached_from_another_address_is_not_used(
    client, fake_platform, login, key_server
):
    """The key set is cached per registration with the address it was read from: once the
    registration names another address, the entry read from the old one is not trusted."""
    state, nonce = login()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL))
    assert launch(client, token, state).status_code == 302
    assert key_server.hits == 1
    platform = fake_platform.row
    platform.key_set_url += "?moved=1"  # the same test server answers it
    platform.save(update_fields=["key_set_url"])
    state, nonce = login()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL))
    assert launch(client, token, state).status_code == 302
    assert key_server.hits == 2


def test_the_key_set_is_read_with_the_login_state(client, fake_platform, login, monkeypatch):
    """One cache read for the login state and the key set its token's issuer and audience name;
    a token naming another registration's key set does not get that one used (its signature
    is checked against the login's platform's keys)."""
    from django.core.cache import caches

    from lti_tool import platform_keys

    state, nonce = login()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL))
    assert launch(client, token, state).status_code == 302
    reads = []
    inside = []  # a cache's own get_many may call its get once per key
    backend = caches["default"]
    for name in ("get", "get_many"):
        original = getattr(backend, name)

        def counted(keys, *args, _name=name, _original=original, **kwargs):
            if not inside:
                reads.append((_name, keys))
            inside.append(_name)
            try:
                return _original(keys, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(backend, name, counted)
    state, nonce = login()
    reads.clear()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL))
    assert launch(client, token, state).status_code == 302
    key_set = platform_keys.jwks_cache_key(fake_platform.issuer, fake_platform.client_id)
    assert [r for r in reads if "platform-jwks" in str(r)] == [
        ("get_many", [f"lti-login:{state}", key_set])
    ]
    # Another audience: its (missing) entry is asked for with the state, and not used.
    state, nonce = login()
    reads.clear()
    claims = fake_platform.claims(
        nonce=nonce, tool=TOOL, aud=[fake_platform.client_id, "another-client"]
    )
    claims["azp"] = "another-client"
    assert_refused(launch(client, fake_platform.sign(claims), state), 403, "unknown_platform")
    other = platform_keys.jwks_cache_key(fake_platform.issuer, "another-client")
    assert reads[0] == ("get_many", [f"lti-login:{state}", other])


def test_a_key_reissued_under_the_same_kid_replaces_the_old_one(
    client, fake_platform, login, key_server
):
    """The parsed keys a process keeps follow the platform's key set, not the kid."""
    state, nonce = login()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL))
    assert launch(client, token, state).status_code == 302
    old = fake_platform.key
    new, _ = fake_platform.new_key()
    key_server.keys[:] = [fake_platform.public(new, fake_platform.kid)]  # same kid, new key
    cache.clear()  # the cached key set expires
    state, nonce = login()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL), key=old)
    assert_refused(launch(client, token, state), 401, "bad_signature")
    state, nonce = login()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL), key=new)
    assert launch(client, token, state).status_code == 302


def test_alg_none_is_refused(client, fake_platform, login):
    state, nonce = login()
    token = jwt.encode(
        fake_platform.claims(nonce=nonce, tool=TOOL),
        None,
        algorithm="none",
        headers={"kid": fake_platform.kid},
    )
    assert_refused(launch(client, token, state), 401, "bad_alg")


def test_hs256_with_the_public_key_as_secret_is_refused(client, fake_platform, login):
    state, nonce = login()
    import base64  # noqa: E401
    import json

    claims = fake_platform.claims(nonce=nonce, tool=TOOL)
    header = {"alg": "HS256", "kid": fake_platform.kid, "typ": "JWT"}
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    import hashlib
    import hmac  # noqa: E401

    signing_input = f"{enc(header)}.{enc(claims)}"
    secret = json.dumps(key_server_public(fake_platform)).encode()
    sig = (
        base64.urlsafe_b64encode(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())
        .rstrip(b"=")
        .decode()
    )
    assert_refused(launch(client, f"{signing_input}.{sig}", state), 401, "bad_alg")


def key_server_public(platform):
    return platform.public(platform.key, platform.kid)


@pytest.mark.parametrize(
    ("claims", "status", "code"),
    [
        ({"iss": "https://evil.example.test"}, 403, "unknown_platform"),
        ({"aud": "someone-else"}, 403, "unknown_platform"),
        ({"aud": ["client-123", "other"]}, 403, "wrong_azp"),
        ({"azp": "other"}, 403, "wrong_azp"),
        ({"exp": int(time.time()) - 120, "iat": int(time.time()) - 180}, 401, "expired"),
        ({"iat": int(time.time()) + 600, "exp": int(time.time()) + 660}, 401, "issued_in_future"),
        ({"iat": int(time.time()) - 7200, "exp": int(time.time()) + 60}, 401, "expired"),
        ({LTI + "version": "1.1"}, 400, "wrong_version"),
        ({LTI + "message_type": "LtiSubmissionReviewRequest"}, 400, "unsupported_message_type"),
        ({LTI + "resource_link": None}, 400, "missing_claim"),
        ({LTI + "roles": None}, 400, "missing_claim"),
        ({LTI + "deployment_id": None}, 400, "missing_claim"),
        ({"exp": None}, 400, "missing_claim"),
        (
            {LTI + "target_link_uri": "https://evil.example.test/launch"},
            403,
            "foreign_target_link_uri",
        ),
        ({LTI + "deployment_id": "99"}, 403, "unknown_deployment"),
        ({"name": 123}, 400, "bad_claim"),
        ({"sub": {"id": 1}}, 400, "bad_claim"),
        ({LTI + "context": ["course-2"]}, 400, "bad_claim"),
        ({"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": "x"}, 400, "bad_claim"),
    ],
)
def test_claim_checks(client, fake_platform, login, claims, status, code):
    state, nonce = login()
    body = fake_platform.claims(nonce=nonce, tool=TOOL)
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    assert_refused(launch(client, fake_platform.sign(body), state), status, code)


def test_multiple_audiences_with_our_azp_are_accepted(client, fake_platform, login):
    state, nonce = login()
    body = fake_platform.claims(nonce=nonce, tool=TOOL, aud=["client-123", "x"], azp="client-123")
    assert launch(client, fake_platform.sign(body), state).status_code == 302


def test_replayed_launch_is_refused(client, fake_platform, login):
    state, nonce = login()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL))
    assert launch(client, token, state).status_code == 302
    assert_refused(launch(client, token, state), 403, "nonce_replayed")


def test_nonce_of_another_login_is_refused(client, fake_platform, login):
    state, _ = login()
    _, other_nonce = login()
    token = fake_platform.sign(fake_platform.claims(nonce=other_nonce, tool=TOOL))
    assert_refused(launch(client, token, state), 403, "nonce_mismatch")


def test_state_not_issued_by_this_browser_is_refused(client, fake_platform, login):
    from django.test import Client

    state, nonce = login()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL))
    response = launch(Client(), token, state)  # another browser: no state cookie
    assert_refused(response, 403, "state_mismatch")
    # No "new window" retry: it would replay the platform login (Moodle: a spent hint).
    assert "/lti/login/" not in response.content.decode()


def test_unknown_state_is_refused(client, fake_platform, login):
    _, nonce = login()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL))
    assert_refused(launch(client, token, "not-a-state"), 403, "unknown_state")


def test_wrong_cookie_value_is_refused(client, fake_platform, login):
    state, nonce = login()
    client.cookies["lti1p3-state-" + state] = "forged"
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL))
    assert_refused(launch(client, token, state), 403, "state_mismatch")


def test_unregistered_deployment_is_accepted_when_the_platform_auto_activates(
    client, fake_platform, login
):
    fake_platform.row.auto_activate_deployments = True
    fake_platform.row.save()
    state, nonce = login()
    body = fake_platform.claims(nonce=nonce, tool=TOOL, **{LTI + "deployment_id": "new-7"})
    assert launch(client, fake_platform.sign(body), state).status_code == 302
    assert Deployment.objects.get(platform=fake_platform.row, deployment_id="new-7").active


def test_deactivated_deployment_is_refused(client, fake_platform, login):
    Deployment.objects.filter(platform=fake_platform.row).update(active=False)
    state, nonce = login()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL))
    assert_refused(launch(client, token, state), 403, "unknown_deployment")


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        ({}, 400, "missing_state"),
        ({"state": "s" * 200, "id_token": "x"}, 400, "too_large"),
        (
            {"error": "login_required", "error_description": "<script>x</script>"},
            400,
            "platform_error",
        ),
    ],
)
def test_malformed_launch_requests(client, fake_platform, data, status, code):
    response = client.post("/lti/launch/", data)
    assert_refused(response, status, code)
    assert "<script>x</script>" not in response.content.decode()


def test_malformed_and_oversized_id_tokens(client, fake_platform, login):
    state, _ = login()
    assert_refused(launch(client, "not.a-jwt", state), 400, "malformed_jwt")
    state, nonce = login()
    signed = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL))
    # A header that is JSON but not an object, with the rest of a well-signed token.
    array_header = base64.urlsafe_b64encode(b'["RS256"]').rstrip(b"=").decode()
    not_object = ".".join([array_header, *signed.split(".")[1:]])
    assert_refused(launch(client, not_object, state), 400, "malformed_jwt")
    state, _ = login()
    assert_refused(launch(client, "a" * 70000, state), 400, "too_large")


def test_the_launch_reads_its_unverified_token_once(client, fake_platform, login, monkeypatch):
    """The view's read (the deployment offered to the platform's query) is the one the
    verification starts from: the token is not decoded again before pyjwt verifies it."""
    from lti_tool import message_launch, unverified_token
    from lti_tool.views import launch as launch_view

    reads = []
    original = unverified_token.read_unverified

    def counted(token):
        reads.append(token)
        return original(token)

    monkeypatch.setattr(launch_view, "read_unverified", counted)
    monkeypatch.setattr(message_launch, "read_unverified", counted)
    state, nonce = login()
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL, roles=["Learner"]))
    assert launch(client, token, state).status_code == 302
    assert reads == [token]


def test_launch_refuses_get_and_refusals_are_logged(client, fake_platform, login, caplog):
    assert client.get("/lti/launch/").status_code == 405
    state, nonce = login()
    other, _ = fake_platform.new_key()
    with caplog.at_level("WARNING", logger="credbridge.lti"):
        launch(
            client,
            fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL), key=other),
            state,
        )
    assert any("bad_signature" in r.getMessage() for r in caplog.records)
