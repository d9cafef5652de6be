"""OIDC third-party login initiation: GET and POST, the auth redirect, and its refusals."""

from urllib.parse import parse_qs, urlsplit

import pytest

from lti_tool.login_state import load_login

from .conftest import TOOL

pytestmark = pytest.mark.django_db


def params(fake_platform, **extra):
    return {
        "iss": fake_platform.issuer,
        "login_hint": "user-7",
        "target_link_uri": TOOL + "/lti/launch/?placement=course_navigation",
        "client_id": fake_platform.client_id,
        "lti_message_hint": "opaque",
        "lti_deployment_id": "1",
        **extra,
    }


@pytest.mark.parametrize("method", ["get", "post"])
def test_login_redirects_to_the_platform_with_state_and_nonce(client, fake_platform, method):
    response = getattr(client, method)("/lti/login/", params(fake_platform))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == fake_platform.issuer + "/auth"
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["scope"] == "openid" and query["response_type"] == "id_token"
    assert query["response_mode"] == "form_post" and query["prompt"] == "none"
    assert query["client_id"] == fake_platform.client_id
    assert query["redirect_uri"] == TOOL + "/lti/launch/"
    assert query["login_hint"] == "user-7" and query["lti_message_hint"] == "opaque"
    record = load_login(query["state"])
    assert record.nonce == query["nonce"] and record.platform_id == fake_platform.row.pk
    cookie = response.cookies["lti1p3-state-" + query["state"]]
    assert cookie.value == record.browser_secret and cookie["httponly"]
    assert record.browser_secret not in response["Location"]  # never sent to the platform


def test_login_without_client_id_works_when_the_issuer_has_one_registration(client, fake_platform):
    data = params(fake_platform)
    del data["client_id"]
    assert client.post("/lti/login/", data).status_code == 302


def test_login_with_platform_storage_renders_the_storage_page(client, fake_platform):
    response = client.post(
        "/lti/login/", params(fake_platform, lti_storage_target="post_message_forwarding")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "lti.put_data" in html and 'id="cb-continue"' in html
    assert 'name="redirect_uri"' in html and "post_message_forwarding" in html


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"iss": None}, 400, "missing_parameter"),
        ({"login_hint": None}, 400, "missing_parameter"),
        ({"target_link_uri": None}, 400, "missing_parameter"),
        ({"iss": "https://unknown.example.test"}, 403, "unknown_platform"),
        ({"client_id": "other"}, 403, "unknown_platform"),
        (
            {"target_link_uri": "https://evil.example.test/lti/launch/"},
            403,
            "foreign_target_link_uri",
        ),
        ({"lti_message_hint": "x" * 5000}, 400, "too_large"),
    ],
)
def test_login_refusals(client, fake_platform, change, status, code):
    data = {k: v for k, v in {**params(fake_platform), **change}.items() if v is not None}
    response = client.post("/lti/login/", data)
    assert response.status_code == status and response["X-LTI-Refusal"] == code
    assert 'class="refusal"' in response.content.decode()


def test_login_refuses_other_methods(client, fake_platform):
    assert client.put("/lti/login/").status_code == 405
