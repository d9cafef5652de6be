import pytest

from lti_tool.models import Deployment, Platform

from .listener import Listener
from .platform import FakePlatform, KeySetServer

TOOL = "http://testserver"


@pytest.fixture
def key_server():
    server = KeySetServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_platform(key_server, db):
    platform = FakePlatform(key_server)
    row = Platform.objects.create(
        name="Test LMS",
        flavour="moodle",
        issuer=platform.issuer,
        client_id=platform.client_id,
        auth_login_url=platform.issuer + "/auth",
        auth_token_url=platform.issuer + "/token",
        key_set_url=key_server.url,
    )
    Deployment.objects.create(platform=row, deployment_id=platform.deployment_id)
    platform.row = row
    return platform


@pytest.fixture
def login(client, fake_platform):
    """Run the OIDC login step; returns (state, nonce)."""
    from .platform import state_and_nonce

    def run(**extra):
        params = {
            "iss": fake_platform.issuer,
            "login_hint": "user-7",
            "target_link_uri": TOOL + "/lti/launch/",
            "client_id": fake_platform.client_id,
            "lti_message_hint": "hint",
            **extra,
        }
        response = client.post("/lti/login/", params)
        assert response.status_code == 302, response.content[:500]
        return state_and_nonce(response["Location"])

    return run


@pytest.fixture
def listen():
    """Start raw TCP servers on loopback: `listen(answer)`; all closed after the test."""
    made: list[Listener] = []

    def make(answer):
        listener = Listener(answer)
        made.append(listener)
        return listener

    yield make
    for listener in made:
        listener.close()
