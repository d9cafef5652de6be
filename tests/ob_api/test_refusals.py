"""The Open Badges API from the attacker's side: anonymous calls, another learner's token,
the wrong scope, PKCE missing, plain or wrong, a redirect URI never registered, a code
replayed, an expired token, a QA person's session, and malformed registrations."""

import json
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
import requests
from django.contrib.auth.models import User
from django.utils import timezone
from oauth2_provider.models import AccessToken

from tests.sqlite_snapshot import kept_worlds

from .backpack import (
    CREDENTIALS,
    OB,
    PROFILE,
    Backpack,
    callback,
    consent,
    pkce_pair,
    sign_in_browser,
)
from .conftest import build_site
from .test_backpack_flow import connect

IMSX = jsonschema.Draft201909Validator(
    json.loads(
        (Path(__file__).parent / "schemas" / "ob_v3p0_imsx_statusinfo_schema.json").read_text()
    )
)


@pytest.fixture(scope="module")
def worlds(rsa_key_pool):
    with kept_worlds(rsa_key_pool) as kept:
        yield kept


@pytest.fixture
def site(worlds, live_server, settings):
    """The package's site (conftest.py), built once for the module and a fresh copy of it for
    every test (tests/sqlite_snapshot.py): issuing its three credentials was most of these
    tests' CPU. These tests only read its objects, so the build's own are handed out again."""
    settings.PUBLIC_BASE_URL = live_server.url

    return worlds.get("site", lambda: build_site(live_server.url))


def assert_imsx(response, status):
    assert response.status_code == status, response.text
    IMSX.validate(response.json())
    assert response.json()["imsx_codeMajor"] == "failure"


def test_anonymous_and_junk_tokens_get_401_imsx(site, backpack):
    assert_imsx(backpack.get("credentials", None), 401)
    assert_imsx(backpack.get("profile", "not-a-token"), 401)
    assert backpack.get("credentials", None).headers["WWW-Authenticate"].startswith("Bearer")
    # A token only in the query string is not accepted either.
    token, _ = connect(site, backpack)
    in_query = requests.get(
        f"{site['url']}/ims/ob/v3p0/credentials",
        params={"access_token": token["access_token"]},
        timeout=30,
    )
    assert_imsx(in_query, 401)
    assert_imsx(requests.post(f"{site['url']}/ims/ob/v3p0/credentials", timeout=30), 405)


def test_a_token_reads_only_its_own_learners_credentials(site, backpack):
    ada, _ = connect(site, backpack, "ada")
    grace, _ = connect(site, backpack, "grace")
    grace_ids = [
        c["id"] for c in backpack.get("credentials", grace["access_token"]).json()["credential"]
    ]
    assert grace_ids == [f"urn:uuid:{site['grace_award'].uuid}"]
    ada_ids = [
        c["id"] for c in backpack.get("credentials", ada["access_token"]).json()["credential"]
    ]
    assert f"urn:uuid:{site['grace_award'].uuid}" not in ada_ids and len(ada_ids) == 2


def test_wrong_scope_is_403_and_unoffered_scopes_are_refused(site, backpack):
    token, _ = connect(site, backpack, scope=PROFILE)
    assert token["scope"] == PROFILE
    refused = backpack.get("credentials", token["access_token"])
    assert_imsx(refused, 403)
    assert 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]
    assert backpack.get("profile", token["access_token"]).status_code == 200
    # A scope the Provider does not implement: invalid_scope back to the client.
    browser = sign_in_browser(site["url"], site["world"].launch(site["ada"]).token)
    _, challenge = pkce_pair()
    url = backpack.authorize_url(scope=f"{OB}credential.upsert", state="x", challenge=challenge)
    answer = callback(browser.get(url, timeout=30, allow_redirects=False))
    assert answer["error"] == "invalid_scope" and answer["state"] == "x"


def test_a_client_registered_for_profile_only_cannot_get_credentials(site):
    narrow = Backpack(site["url"])
    assert narrow.register(scope=PROFILE).status_code == 201
    browser = sign_in_browser(site["url"], site["world"].launch(site["ada"]).token)
    _, challenge = pkce_pair()
    url = narrow.authorize_url(scope=CREDENTIALS, state="x", challenge=challenge)
    assert callback(browser.get(url, timeout=30, allow_redirects=False))["error"] == "invalid_scope"


@pytest.mark.parametrize(
    "challenge,method", [(None, None), ("abc" * 15, "plain"), ("abc" * 15, None)]
)
def test_pkce_missing_or_plain_is_refused(site, backpack, challenge, method):
    browser = sign_in_browser(site["url"], site["world"].launch(site["ada"]).token)
    url = backpack.authorize_url(scope=CREDENTIALS, state="p", challenge=challenge, method=method)
    answer = callback(browser.get(url, timeout=30, allow_redirects=False))
    assert answer["error"] == "invalid_request" and answer["state"] == "p"


def test_a_wrong_code_verifier_and_a_replayed_code_get_no_token(site, backpack):
    browser = sign_in_browser(site["url"], site["world"].launch(site["ada"]).token)
    verifier, challenge = pkce_pair()
    code = callback(
        consent(browser, backpack.authorize_url(scope=CREDENTIALS, state="s", challenge=challenge))
    )["code"]
    wrong = backpack.exchange(code, pkce_pair()[0])
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    # A fresh code: exchanged once, refused the second time.
    verifier, challenge = pkce_pair()
    code = callback(
        consent(browser, backpack.authorize_url(scope=CREDENTIALS, state="s", challenge=challenge))
    )["code"]
    assert backpack.exchange(code, verifier).status_code == 200
    replay = backpack.exchange(code, verifier)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    # Another client cannot redeem a code issued to this one.
    other = Backpack(site["url"])
    other.register()
    verifier, challenge = pkce_pair()
    code = callback(
        consent(browser, backpack.authorize_url(scope=CREDENTIALS, state="s", challenge=challenge))
    )["code"]
    assert other.exchange(code, verifier).status_code in (400, 401)


def test_an_unregistered_redirect_uri_is_never_redirected_to(site, backpack):
    browser = sign_in_browser(site["url"], site["world"].launch(site["ada"]).token)
    _, challenge = pkce_pair()
    url = backpack.authorize_url(
        scope=CREDENTIALS, state="r", challenge=challenge, redirect_uri="https://evil.example/cb"
    )
    response = browser.get(url, timeout=30, allow_redirects=False)
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")


def test_an_expired_token_is_refused(site, backpack):
    token, _ = connect(site, backpack)
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert_imsx(backpack.get("credentials", token["access_token"]), 401)


def test_without_the_learners_sign_in_nobody_consents(site, backpack, client):
    _, challenge = pkce_pair()
    url = backpack.authorize_url(scope=CREDENTIALS, state="a", challenge=challenge)
    anonymous = requests.get(url, timeout=30, allow_redirects=False)
    assert anonymous.status_code == 401 and "Sign in" in anonymous.text
    # A forged consent POST without the sign-in cookie grants nothing.
    forged = requests.post(
        url,
        data={"allow": "Authorize", "client_id": backpack.client_id},
        timeout=30,
        allow_redirects=False,
    )
    assert forged.status_code in (401, 403) and "code=" not in forged.headers.get("Location", "")
    # A QA person's Django session is not a learner: the page still asks for the sign-in.
    User.objects.create_user("qa-person", password="pw-12345-long", is_staff=True)
    session = requests.Session()
    client.force_login(User.objects.get(username="qa-person"))
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    assert session.get(url, timeout=30, allow_redirects=False).status_code == 401
    # A tampered sign-in cookie is no sign-in.
    session.cookies.set("cb_ob_consent", "eyJsZWFybmVyIjoxfQ:forged:sig", path="/ims/ob/v3p0/")
    assert session.get(url, timeout=30, allow_redirects=False).status_code == 401


def test_the_consent_page_cannot_be_framed_and_cancel_sends_access_denied(site, backpack):
    browser = sign_in_browser(site["url"], site["world"].launch(site["ada"]).token)
    _, challenge = pkce_pair()
    url = backpack.authorize_url(scope=CREDENTIALS, state="c", challenge=challenge)
    page = browser.get(url, timeout=30)
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "Ada Lovelace" in page.text  # the learner sees who they are signed in as
    answer = callback(consent(browser, url, allow=False))
    assert answer["error"] == "access_denied"


@pytest.mark.parametrize(
    "override,error",
    [
        ({"redirect_uris": ["http://backpack.example/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": []}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://backpack.example/cb#frag"]}, "invalid_redirect_uri"),
        ({"client_name": ""}, "invalid_client_metadata"),
        ({"logo_uri": "javascript:alert(1)"}, "invalid_client_metadata"),
        ({"scope": f"{OB}credential.upsert"}, "invalid_client_metadata"),
        ({"token_endpoint_auth_method": "none"}, "invalid_client_metadata"),
        ({"grant_types": ["client_credentials"]}, "invalid_client_metadata"),
        ({"response_types": ["token"]}, "invalid_client_metadata"),
    ],
)
def test_bad_registrations_are_refused_with_rfc7591_errors(site, override, error):
    response = Backpack(site["url"]).register(**override)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == error


def test_registration_that_is_not_json_is_a_clear_400(site):
    url = f"{site['url']}/ims/ob/v3p0/register"
    assert (
        requests.post(
            url, data="{nope", headers={"Content-Type": "application/json"}, timeout=30
        ).status_code
        == 400
    )
    assert (
        requests.post(
            url, data="[1]", headers={"Content-Type": "application/json"}, timeout=30
        ).status_code
        == 400
    )
    assert requests.post(url, data="a=b", timeout=30).status_code == 400
    big = json.dumps({"client_name": "x" * 40_000})
    assert (
        requests.post(
            url, data=big, headers={"Content-Type": "application/json"}, timeout=30
        ).status_code
        == 413
    )
    assert requests.get(url, timeout=30).status_code == 405


@pytest.mark.parametrize(
    "query", [{"limit": "0"}, {"limit": "x"}, {"offset": "-1"}, {"since": "2026-01-01T00:00:00"}]
)
def test_bad_paging_is_400_imsx(site, backpack, query):
    token, _ = connect(site, backpack)
    assert_imsx(backpack.get("credentials", token["access_token"], **query), 400)


def test_a_replayed_refresh_token_revokes_the_family(site, backpack):
    token, _ = connect(site, backpack)
    rotated = backpack.token(grant_type="refresh_token", refresh_token=token["refresh_token"])
    assert rotated.status_code == 200
    replay = backpack.token(grant_type="refresh_token", refresh_token=token["refresh_token"])
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    # The replay ends the rotated tokens too: a stolen refresh token is worth nothing.
    assert_imsx(backpack.get("credentials", rotated.json()["access_token"]), 401)


def test_registrations_are_limited_per_address_and_hour(site, settings):
    settings.OB_API_REGISTRATIONS_PER_HOUR = 2
    answers = [Backpack(site["url"]).register().status_code for _ in range(3)]
    assert answers == [201, 201, 429]
    refused = Backpack(site["url"]).register()
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "3600"


def test_an_expired_sign_in_and_a_consent_form_turned_to_plain_pkce_grant_nothing(
    site, backpack, settings
):
    browser = sign_in_browser(site["url"], site["world"].launch(site["ada"]).token)
    _, challenge = pkce_pair()
    url = backpack.authorize_url(scope=CREDENTIALS, state="t", challenge=challenge)
    page = browser.get(url, timeout=30)
    assert page.status_code == 200
    # The learner's own browser edits the hidden field before pressing Allow.
    from .backpack import form_fields

    fields = form_fields(page.text, "authorizationForm") | {
        "allow": "Authorize",
        "code_challenge_method": "plain",
    }
    edited = browser.post(url, data=fields, timeout=30, allow_redirects=False)
    assert edited.status_code == 400 and "code=" not in edited.headers.get("Location", "")
    # Past its lifetime the sign-in cookie names nobody.
    settings.OB_API_CONSENT_COOKIE_SECONDS = 0
    import time

    time.sleep(1.1)
    assert browser.get(url, timeout=30, allow_redirects=False).status_code == 401
