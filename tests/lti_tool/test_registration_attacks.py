"""Dynamic Registration from the attacker's side, over real HTTP: a registration never
changes an existing platform, a configuration that only claims to be Canvas gets no
exception, and a pending registration can neither launch, nor frame the tool, nor get a
bearer token until an operator approves it (issue 12 C1, ADR 0004)."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.forms.models import model_to_dict

from audit.models import AuditEvent
from lti_tool.models import Deployment, Platform
from lti_tool.services.errors import AuthFailed
from lti_tool.services.tokens import get_access_token

from .registration_platform import TOKEN, RegistrationPlatform

pytestmark = pytest.mark.django_db
SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.LTI_ALLOW_HTTP_PLATFORMS = True
    settings.LTI_PRIVATE_NETWORK_PLATFORMS = True
    settings.PUBLIC_BASE_URL = "https://credbridge.example.edu"
    settings.LTI_REGISTRATION_ISSUERS = []
    settings.LTI_OPEN_REGISTRATION = True


@pytest.fixture
def servers():
    started = []

    def start(*args, **kwargs):
        server = RegistrationPlatform(*args, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def register(client, platform, **extra):
    extra.setdefault("name", "An LMS")
    return client.post(
        "/lti/register/",
        {"openid_configuration": platform.config_url(), "registration_token": TOKEN, **extra},
    )


def snapshot(platform: Platform) -> tuple[dict, list]:
    platform.refresh_from_db()
    deployments = list(platform.deployments.values_list("deployment_id", "active"))
    return model_to_dict(platform), sorted(deployments)


def csp(client) -> str:
    return client.get("/lti/jwks.json")["Content-Security-Policy"]


def login(client, platform: RegistrationPlatform):
    return client.post(
        "/lti/login/",
        {
            "iss": platform.issuer,
            "client_id": platform.client_id,
            "login_hint": "2",
            "target_link_uri": "http://testserver/lti/launch/",
        },
    )


def registered(client, platform: RegistrationPlatform) -> Platform:
    response = register(client, platform, name="Real LMS")
    assert response.status_code == 200, response.content[:800]
    row = Platform.objects.get(issuer=platform.issuer, client_id=platform.client_id)
    call_command("approve_platform", str(row.pk))
    return row


def test_forged_moodle_registration_claiming_canvas_changes_nothing(client, servers):
    """The attack of C1: the attacker's server (another loopback port) claims the real
    Moodle's issuer and client id and `product_family_code: canvas`."""
    real = servers("moodle")
    row = registered(client, real)
    before = snapshot(row)
    attacker = servers("canvas", issuer=real.issuer, client_id=real.client_id)
    response = register(client, attacker)
    assert response.status_code == 400
    assert b"not on the platform" in response.content
    assert attacker.received == []  # refused before anything was sent
    assert snapshot(row) == before
    assert Platform.objects.count() == 1


def test_forged_canvas_re_registration_changes_nothing(client, servers):
    """Canvas's shared issuer lets a school's host vouch for the configuration, so the
    attacker gets as far as the registration POST; the existing registration is still
    never touched."""
    real = servers("canvas")
    row = registered(client, real)
    before = snapshot(row)
    attacker = servers("canvas", client_id=real.client_id)
    assert attacker.port != real.port
    response = register(client, attacker, name="Totally the same school")
    assert response.status_code == 400, response.content[:800]
    assert b"already has a registration" in response.content
    assert b"nothing was changed" in response.content
    assert snapshot(row) == before
    assert Platform.objects.count() == 1
    assert Deployment.objects.count() == 1


def test_re_registering_the_same_platform_is_refused_clearly(client, servers):
    moodle = servers("moodle")
    row = registered(client, moodle)
    before = snapshot(row)
    response = register(client, moodle, name="Renamed by anyone")
    assert response.status_code == 400
    assert b"already has a registration" in response.content
    assert b"register_platform --update" in response.content
    assert snapshot(row) == before


def test_a_canvas_claim_for_a_moodle_issuer_gets_no_exception(client, servers):
    # New client id: nothing to overwrite, and still refused (the configuration is not
    # served by its issuer, and the issuer is not one of Instructure's).
    fake = servers("canvas", issuer="https://moodle.example.edu", client_id="new-one")
    response = register(client, fake)
    assert response.status_code == 400 and b"not on the platform" in response.content
    assert fake.received == [] and Platform.objects.count() == 0


def test_a_pending_registration_cannot_launch_frame_or_call_services(client, servers):
    moodle = servers("moodle")
    assert register(client, moodle, name="Unvetted").status_code == 200
    row = Platform.objects.get(issuer=moodle.issuer)
    assert row.status == "pending"
    refused = login(client, moodle)
    assert refused.status_code == 403
    assert refused["X-LTI-Refusal"] == "platform_pending"
    assert b"awaiting approval" in refused.content
    assert moodle.base not in csp(client)
    with pytest.raises(AuthFailed, match="awaiting approval"):
        get_access_token(platform=row, scopes=[SCORE])
    assert not any(r.startswith("POST /mod/lti/token.php") for r in moodle.requests)
    # Approved, the same platform logs in and frames the tool.
    call_command("approve_platform", str(row.pk))
    assert login(client, moodle).status_code == 302
    assert moodle.base in csp(client)
    event = AuditEvent.objects.get(action="platform.approved")
    assert event.object_id == str(row.pk) and event.actor == "command:approve_platform"


def test_allowlisted_issuers_are_active_at_once(client, servers, settings):
    moodle = servers("moodle")
    settings.LTI_REGISTRATION_ISSUERS = [moodle.issuer + "/"]
    response = register(client, moodle, name="Trusted")
    assert response.status_code == 200 and b"pending" not in response.content
    assert Platform.objects.get(issuer=moodle.issuer).status == "active"
    assert login(client, moodle).status_code == 302


def test_allowlisting_canvas_alone_does_not_activate_any_school(client, servers, settings):
    canvas = servers("canvas")
    settings.LTI_REGISTRATION_ISSUERS = ["https://canvas.instructure.com"]
    assert register(client, canvas).status_code == 200
    assert Platform.objects.get().status == "pending"
    Platform.objects.all().delete()
    settings.LTI_REGISTRATION_ISSUERS = ["https://canvas.instructure.com", canvas.school]
    assert register(client, canvas).status_code == 200
    assert Platform.objects.get().status == "active"


def test_open_registration_off_refuses_unlisted_issuers(client, servers, settings):
    settings.LTI_OPEN_REGISTRATION = False
    moodle = servers("moodle")
    page = client.get(
        "/lti/register/", {"openid_configuration": moodle.config_url(), "registration_token": TOKEN}
    )
    assert page.status_code == 400 and b"does not accept registrations" in page.content
    response = register(client, moodle)
    assert response.status_code == 400 and b"LTI_REGISTRATION_ISSUERS" in response.content
    assert moodle.received == [] and Platform.objects.count() == 0
    settings.LTI_REGISTRATION_ISSUERS = [moodle.issuer]
    assert register(client, moodle).status_code == 200
    assert Platform.objects.get().status == "active"


def test_admin_lists_pending_first_and_approves_in_one_step(client, servers):
    moodle = servers("moodle")
    call_command(
        "register_platform",
        "--issuer=https://lms.example.edu",
        "--client-id=manual",
        "--auth-login-url=https://lms.example.edu/auth",
        "--auth-token-url=https://lms.example.edu/token",
        "--key-set-url=https://lms.example.edu/jwks",
    )
    assert register(client, moodle, name="Waiting LMS").status_code == 200
    pending = Platform.objects.get(status="pending")
    admin = User.objects.create_superuser("op", "op@example.test", "pw")
    client.force_login(admin)
    listing = client.get("/admin/lti_tool/platform/?status__exact=pending").content.decode()
    assert "Waiting LMS" in listing and "lms.example.edu" not in listing
    page = client.get("/admin/lti_tool/platform/").content.decode()
    assert page.index("Waiting LMS") < page.index("https://lms.example.edu")
    done = client.post(
        "/admin/lti_tool/platform/",
        {"action": "approve_selected", "_selected_action": [pending.pk]},
        follow=True,
    )
    assert b"Approved: Waiting LMS" in done.content
    pending.refresh_from_db()
    assert pending.status == "active" and pending.approved_by == "op"
    assert AuditEvent.objects.filter(action="platform.approved", actor="op").count() == 1


def test_a_launch_for_a_platform_no_longer_active_is_refused(client, fake_platform, login):
    """The message launch finds its platform through the same lookup as the login."""
    from .conftest import TOOL

    state, nonce = login()
    Platform.objects.filter(pk=fake_platform.row.pk).update(status="pending")
    token = fake_platform.sign(fake_platform.claims(nonce=nonce, tool=TOOL))
    response = client.post("/lti/launch/", {"id_token": token, "state": state})
    assert response.status_code == 403
    assert response["X-LTI-Refusal"] == "platform_pending"
    assert b"awaiting approval" in response.content


def test_the_change_page_approves_with_one_button_and_only_by_post(client, servers):
    moodle = servers("moodle")
    assert register(client, moodle, name="Waiting LMS").status_code == 200
    pending = Platform.objects.get()
    admin = User.objects.create_superuser("op", "op@example.test", "pw")
    client.force_login(admin)
    page = client.get(f"/admin/lti_tool/platform/{pending.pk}/change/").content.decode()
    assert 'id="approve-platform"' in page and moodle.config_url() in page
    assert client.get(f"/admin/lti_tool/platform/{pending.pk}/approve/").status_code == 405
    done = client.post(f"/admin/lti_tool/platform/{pending.pk}/approve/", follow=True)
    assert b"Approved: Waiting LMS" in done.content
    pending.refresh_from_db()
    assert pending.status == "active" and pending.approved_by == "op"
    page = client.get(f"/admin/lti_tool/platform/{pending.pk}/change/").content.decode()
    assert 'id="approve-platform"' not in page


@pytest.mark.postgres  # SQLite's shared in-memory test database locks instead of waiting
@pytest.mark.django_db(transaction=True)
def test_two_registrations_of_one_platform_at_once_record_one(servers):
    """Race two recordings of the same answer: one platform, the other refused (the unique
    constraint backs the check)."""
    import threading

    from django.db import connection

    from lti_tool.dynamic_registration import (
        RegistrationError,
        fetch_platform_configuration,
        record_registration,
    )

    moodle = servers("moodle")
    config = fetch_platform_configuration(
        openid_configuration=moodle.config_url(), registration_token=TOKEN
    )
    answer = {"client_id": "same-client", "deployment_id": "1"}
    barrier, outcomes = threading.Barrier(2), []

    def record():
        try:
            barrier.wait()
            record_registration(config=config, answer=answer, name="Racer")
            outcomes.append("created")
        except RegistrationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=record) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["created", "refused"]
    assert Platform.objects.filter(client_id="same-client").count() == 1


def test_moodles_update_request_is_refused_before_anything_is_sent(client, servers):
    """Moodle's "Update" on its existing-tools page issues a `reg-update` token and overwrites
    its own tool as soon as it receives a registration (openid-registration.php calls
    lti_update_type): Credbridge must refuse before sending anything."""
    import time

    import jwt

    moodle = servers("moodle")
    now = int(time.time())
    moodle.token = jwt.encode(
        {"sub": "7", "scope": "reg-update", "iat": now, "exp": now + 3600}, "k" * 32, "HS256"
    )
    before = Platform.objects.count()
    response = client.post(
        "/lti/register/",
        {
            "openid_configuration": moodle.config_url(),
            "registration_token": moodle.token,
            "name": "An LMS",
        },
    )
    assert response.status_code == 400
    assert "Register as a new external tool" in response.content.decode()
    assert moodle.requests == []  # not even the configuration was read
    assert moodle.received == []
    assert Platform.objects.count() == before


def test_moodles_new_registration_token_is_accepted(client, servers):
    import time

    import jwt

    moodle = servers("moodle")
    now = int(time.time())
    moodle.token = jwt.encode(
        {"sub": "abc", "scope": "reg", "iat": now, "exp": now + 3600}, "k" * 32, "HS256"
    )
    response = client.post(
        "/lti/register/",
        {
            "openid_configuration": moodle.config_url(),
            "registration_token": moodle.token,
            "name": "An LMS",
        },
    )
    assert response.status_code == 200, response.content.decode()[:500]
    assert len(moodle.received) == 1
