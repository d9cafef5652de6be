"""Manual registration: the admin pages and the register_platform command."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from lti_tool.keys import current_signing_key
from lti_tool.models import Deployment, Platform

pytestmark = pytest.mark.django_db
ARGS = [
    "--flavour",
    "moodle",
    "--issuer",
    "https://moodle.example.edu",
    "--client-id",
    "abc",
    "--auth-login-url",
    "https://moodle.example.edu/mod/lti/auth.php",
    "--auth-token-url",
    "https://moodle.example.edu/mod/lti/token.php",
    "--key-set-url",
    "https://moodle.example.edu/mod/lti/certs.php",
]


def test_register_platform_command_creates_then_updates_only_when_asked():
    call_command("register_platform", *ARGS, "--deployment", "1", "--deployment", "2")
    platform = Platform.objects.get(issuer="https://moodle.example.edu", client_id="abc")
    assert platform.flavour == "moodle"
    assert platform.status == "active" and platform.registered_via == "command"
    assert set(
        Deployment.objects.filter(platform=platform).values_list("deployment_id", flat=True)
    ) == {"1", "2"}
    # Running it again never silently overwrites the registration ...
    evil = [a.replace("certs.php", "evil-keys.php") for a in ARGS]
    with pytest.raises(CommandError, match="--update"):
        call_command("register_platform", *evil, "--name", "Renamed")
    platform.refresh_from_db()
    assert platform.name == "https://moodle.example.edu"
    assert platform.key_set_url.endswith("/certs.php")
    # ... only with --update, and that is audited.
    call_command(
        "register_platform",
        *ARGS,
        "--update",
        "--name",
        "Renamed",
        "--service-host",
        "files.example.edu",
    )
    platform.refresh_from_db()
    assert platform.name == "Renamed" and Platform.objects.count() == 1
    event = AuditEvent.objects.get(action="platform.updated")
    assert event.before["name"] == "https://moodle.example.edu"
    assert event.after["name"] == "Renamed" and event.object_id == str(platform.pk)
    hosts = platform.allowed_service_hosts()
    assert {"files.example.edu", "moodle.example.edu"} <= hosts
    assert "evil.example.com" not in hosts


def test_register_platform_refuses_bad_urls():
    bad = [a if a != "https://moodle.example.edu/mod/lti/certs.php" else "not a url" for a in ARGS]
    with pytest.raises(CommandError):
        call_command("register_platform", *bad)
    assert Platform.objects.count() == 0


def test_admin_pages_list_and_edit_registrations_and_never_show_private_keys(client):
    admin = User.objects.create_superuser("admin", "a@example.test", "pw")
    client.force_login(admin)
    call_command("register_platform", *ARGS, "--deployment", "1")
    key = current_signing_key()
    platform = Platform.objects.get()
    assert client.get("/admin/lti_tool/platform/").status_code == 200
    page = client.get(f"/admin/lti_tool/platform/{platform.pk}/change/")
    assert page.status_code == 200 and b"service_hosts" in page.content
    keys = client.get(f"/admin/lti_tool/toolkey/{key.pk}/change/")
    assert keys.status_code == 200 and key.kid.encode() in keys.content
    assert key.private_key_encrypted.encode() not in keys.content
    assert client.get("/admin/lti_tool/toolkey/add/").status_code == 403


def test_register_platform_refuses_a_bad_service_host():
    with pytest.raises(CommandError):
        call_command("register_platform", *ARGS, "--service-host", "*")
