"""CSP frame-ancestors: only 'self' and the registered platforms may frame the tool."""

import pytest

from lti_tool.models import Platform

pytestmark = pytest.mark.django_db


def csp(client):
    """The frame-ancestors directive of the page's CSP (the other directives: test_csp)."""
    header = client.get("/lti/jwks.json")["Content-Security-Policy"]
    return next(d.strip() for d in header.split(";") if d.strip().startswith("frame-ancestors"))


def test_frame_ancestors_follow_the_registrations(client):
    assert csp(client) == "frame-ancestors 'self'"
    platform = Platform.objects.create(
        name="Canvas",
        flavour="canvas",
        issuer="https://canvas.instructure.com",
        client_id="1",
        auth_login_url="https://sso.canvaslms.com/api/lti/authorize_redirect",
        auth_token_url="https://sso.canvaslms.com/login/oauth2/token",
        key_set_url="https://sso.canvaslms.com/api/lti/security/jwks",
        service_hosts="canvas.example.edu\nbad_host;script-src *",
    )
    value = csp(client)
    assert value.startswith("frame-ancestors 'self' ")
    assert "https://canvas.example.edu" in value
    assert "https://canvas.instructure.com" in value
    assert "https://sso.canvaslms.com" in value
    assert "script-src" not in value and ";" not in value and "*" not in value
    assert "https://bad" not in value
    platform.delete()
    assert csp(client) == "frame-ancestors 'self'"


def test_login_and_launch_transit_pages_render_in_any_lms_frame(client):
    # Canvas frames the tool from each school's host, learnt only at the first launch.
    for path in ("/lti/login/", "/lti/launch/"):
        policy = client.post(path, {})["Content-Security-Policy"]
        assert policy.endswith("; frame-ancestors *") and "script-src 'self' 'nonce-" in policy


def test_a_list_read_ahead_is_used_unless_a_platform_changed_since():
    """The landing page reads the list with its launch, before the view (ADR 0080): a change
    of a platform later in the same request is not answered from that early read."""
    from lti_tool.frame_ancestors import CACHE_KEY, frame_ancestors, read_ahead

    ahead = read_ahead({CACHE_KEY: "'self' https://read.ahead"})
    assert frame_ancestors(ahead) == "'self' https://read.ahead"
    assert frame_ancestors(read_ahead({})) == "'self'"  # not cached: built as before
    Platform.objects.create(
        name="Moodle",
        flavour="moodle",
        issuer="https://moodle.example.edu",
        client_id="1",
        auth_login_url="https://moodle.example.edu/mod/lti/auth.php",
        auth_token_url="https://moodle.example.edu/mod/lti/token.php",
        key_set_url="https://moodle.example.edu/mod/lti/certs.php",
    )
    assert frame_ancestors(ahead) == "'self' https://moodle.example.edu"
