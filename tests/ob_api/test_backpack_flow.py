"""The whole Open Badges API flow, played by a backpack over real HTTP against the live
server: discovery -> registration -> the learner signs in from their page and consents ->
code + PKCE -> token -> credentials with paging -> profile -> the learner disconnects."""

import json
from pathlib import Path

import jsonschema
import requests

from audit.models import AuditEvent
from credentials.models import Credential

from .backpack import CREDENTIALS, PROFILE, Backpack, callback, consent, pkce_pair, sign_in_browser

SCHEMAS = Path(__file__).parent / "schemas"
PROFILE_SCHEMA = (
    Path(__file__).parents[2] / "credentials" / "schemas" / "ob_v3p0_profile_schema.json"
)


def _validator(path: Path) -> jsonschema.Draft201909Validator:
    return jsonschema.Draft201909Validator(json.loads(path.read_text()))


def connect(site, backpack, learner_key="ada", scope=f"{CREDENTIALS} {PROFILE}"):
    """Sign in from the learner's page, consent, exchange the code: the token response."""
    launch = site["world"].launch(site[learner_key])
    browser = sign_in_browser(site["url"], launch.token)
    verifier, challenge = pkce_pair()
    url = backpack.authorize_url(scope=scope, state="s-123", challenge=challenge)
    answer = callback(consent(browser, url))
    assert answer["state"] == "s-123"
    token = backpack.exchange(answer["code"], verifier)
    assert token.status_code == 200, token.text
    return token.json(), launch


def test_discovery_names_the_oauth_endpoints_and_scopes(site):
    response = requests.get(f"{site['url']}/ims/ob/v3p0/discovery", timeout=30)
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.0")
    assert doc["info"]["x-imssf-privacyPolicyUrl"].startswith(site["url"])
    scheme = doc["components"]["securitySchemes"]["OAuth2ACG"]
    assert scheme["type"] == "oauth2"
    assert scheme["x-imssf-registrationUrl"] == f"{site['url']}/ims/ob/v3p0/register"
    flow = scheme["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == f"{site['url']}/ims/ob/v3p0/authorize"
    assert flow["tokenUrl"] == flow["refreshUrl"] == f"{site['url']}/ims/ob/v3p0/token"
    assert set(flow["scopes"]) == {CREDENTIALS, PROFILE}
    assert {"/credentials", "/profile", "/discovery"} <= set(doc["paths"])
    assert requests.get(doc["info"]["x-imssf-privacyPolicyUrl"], timeout=30).status_code == 200


def test_registration_answers_rfc7591_and_keeps_only_offered_scopes(site):
    backpack = Backpack(site["url"])
    response = backpack.register()
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["client_id"] and body["client_secret"] and body["client_secret_expires_at"] == 0
    assert body["redirect_uris"] == [backpack.redirect_uri]
    assert body["token_endpoint_auth_method"] == "client_secret_basic"
    assert body["scope"].split() == [CREDENTIALS, PROFILE]  # upsert/update not offered
    assert "no-store" in response.headers["Cache-Control"]
    event = AuditEvent.objects.get(action="ob_api.client_registered")
    assert body["client_secret"] not in json.dumps(event.after)


def test_the_backpack_reads_the_learners_credentials_page_by_page_and_the_profile(site, backpack):
    token, _ = connect(site, backpack)
    assert token["token_type"] == "Bearer" and token["refresh_token"]
    assert set(token["scope"].split()) == {CREDENTIALS, PROFILE}
    access = token["access_token"]

    first = backpack.get("credentials", access, limit=1)
    assert first.status_code == 200, first.text
    assert first.headers["X-Total-Count"] == "2"
    link = first.headers["Link"]
    assert 'offset=1>; rel="next"' in link and 'rel="last"' in link and 'rel="first"' in link
    assert 'rel="prev"' not in link
    body = first.json()
    _validator(SCHEMAS / "ob_v3p0_getopenbadgecredentialsresponse_schema.json").validate(body)
    assert len(body["credential"]) == 1 and len(body["compactJwsString"]) == 1

    second = backpack.get("credentials", access, limit=1, offset=1)
    assert second.status_code == 200
    assert 'rel="prev"' in second.headers["Link"] and 'rel="next"' not in second.headers["Link"]
    ids = {body["credential"][0]["id"], second.json()["credential"][0]["id"]}
    expected = {f"urn:uuid:{a.uuid}" for a in site["ada_awards"]}
    assert ids == expected  # Ada's two, never Grace's
    everything = backpack.get("credentials", access).json()
    # Each credential's OB 3.0 JWT, signed for this answer and stored (ADR 0092).
    stored = Credential.objects.get(pk=site["ada_awards"][0].uuid)
    assert stored.jwt and stored.jwt in everything["compactJwsString"]
    assert len(everything["compactJwsString"]) == len(everything["credential"])
    assert json.loads(stored.document) in everything["credential"]

    # since: only what was issued after that moment (the first credential moved a day back;
    # both were issued within the same second).
    from datetime import timedelta

    Credential.objects.filter(pk=stored.pk).update(issued_at=stored.issued_at - timedelta(days=1))
    since = backpack.get(
        "credentials", access, since=(stored.issued_at - timedelta(hours=1)).isoformat()
    )
    assert since.headers["X-Total-Count"] == "1"
    assert since.json()["credential"][0]["id"] == f"urn:uuid:{site['ada_awards'][1].uuid}"
    assert backpack.get("credentials", access, since="yesterday").status_code == 400

    profile = backpack.get("profile", access)
    assert profile.status_code == 200, profile.text
    _validator(PROFILE_SCHEMA).validate(profile.json())
    assert profile.json()["name"] == "Ada Lovelace" and profile.json()["type"] == "Profile"

    # The refresh token works while the app is connected.
    refreshed = backpack.token(grant_type="refresh_token", refresh_token=token["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "ob_api.client_registered",
        "ob_api.consent_sign_in",
        "ob_api.consent_given",
        "ob_api.token_issued",
        "ob_api.credentials_read",
        "ob_api.profile_read",
    } <= actions
    read = AuditEvent.objects.filter(action="ob_api.credentials_read").order_by("pk").first()
    assert read.actor == f"client:{backpack.client_id}" and len(read.after["ids"]) == 1
    assert access not in json.dumps(list(AuditEvent.objects.values_list("after", flat=True)))


def test_the_learner_sees_the_app_and_disconnects_it_and_its_tokens_stop_working(site, backpack):
    token, launch = connect(site, backpack)
    page = requests.get(
        f"{site['url']}/learner/connected-apps", params={"lt": launch.token}, timeout=30
    )
    assert page.status_code == 200 and "Test Backpack" in page.text
    home = requests.get(f"{site['url']}/learner/", params={"lt": launch.token}, timeout=30)
    assert "/learner/connected-apps" in home.text

    from oauth2_provider.models import Application

    app = Application.objects.get(client_id=backpack.client_id)
    gone = requests.post(
        f"{site['url']}/learner/connected-apps/{app.pk}/disconnect",
        data={"lt": launch.token},
        timeout=30,
        allow_redirects=False,
    )
    assert gone.status_code == 302
    refused = backpack.get("credentials", token["access_token"])
    assert refused.status_code == 401
    _validator(SCHEMAS / "ob_v3p0_imsx_statusinfo_schema.json").validate(refused.json())
    again = backpack.token(grant_type="refresh_token", refresh_token=token["refresh_token"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    after = requests.get(
        f"{site['url']}/learner/connected-apps", params={"lt": launch.token}, timeout=30
    )
    assert "Test Backpack" not in after.text
    assert AuditEvent.objects.filter(action="ob_api.app_disconnected").count() == 1
