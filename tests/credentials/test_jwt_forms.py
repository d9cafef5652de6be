"""The two JWT forms over real HTTP, checked with an independent JOSE library (jwcrypto).

The verifying key is never taken from the project: it is resolved from the `kid` through the
did:web document the live server serves, and turned into a JWK here.
"""

import base64
import json
import uuid
from urllib.parse import urlsplit

import base58
import pytest
import requests
from django.utils import timezone
from jwcrypto import jwk, jws

from credentials import demo
from credentials.credential_issuance import issue_credential
from credentials.did import did_web_url
from credentials.issuers import get_or_create_issuer
from credentials.jose_forms import stored_forms, stored_ob_jwt, stored_vc_jose
from credentials.local_verification import verify_credential_jwt
from credentials.models import Credential
from credentials.signing_keys import mark_compromised

from .conftest import later

ED25519_PUB_PREFIX = b"\xed\x01"


@pytest.fixture
def live_issue(live_server, settings, transactional_db):
    settings.PUBLIC_BASE_URL = live_server.url

    def _issue(*, slug="uni", valid_until=None):
        issuer = get_or_create_issuer(slug=slug, name="Uni", url="https://www.example.edu")
        achievement = demo.demo_achievement(live_server.url)
        cid = uuid.uuid4()
        return issue_credential(
            issuer=issuer,
            credential_id=cid,
            achievement=achievement,
            subject=demo.demo_subject(1),
            results=demo.demo_results(achievement),
            evidence=demo.demo_evidence(live_server.url, str(cid)),
            valid_from=timezone.now().replace(microsecond=0),
            valid_until=valid_until,
        )

    return _issue


def resolve_kid(kid: str, live_url: str) -> jwk.JWK:
    """Dereference a did:web DID URL over HTTP (the live server speaks http, not https)."""
    did = kid.split("#", 1)[0]
    url = urlsplit(did_web_url(did))
    response = requests.get(f"{live_url}{url.path}", timeout=10)
    assert response.status_code == 200
    document = response.json()
    assert document["id"] == did and kid in document["assertionMethod"]
    (method,) = [m for m in document["verificationMethod"] if m["id"] == kid]
    raw = base58.b58decode(method["publicKeyMultibase"][1:])
    assert raw[:2] == ED25519_PUB_PREFIX
    x = base64.urlsafe_b64encode(raw[2:]).decode().rstrip("=")
    return jwk.JWK(kty="OKP", crv="Ed25519", x=x)


def verified(token: str, key: jwk.JWK) -> tuple[dict, dict]:
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(key, alg="EdDSA")
    return signed.jose_header, json.loads(signed.payload)


def test_ob3_jwt_proof_form(live_issue, live_server):
    credential = live_issue(valid_until=later(30))
    assert not credential.jwt  # issuance stores the document alone (ADR 0092)
    url = f"{live_server.url}/credentials/{credential.pk}.jwt"
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/jwt"
    token = response.text
    # Signed on the first request, stored, and the same bytes ever after.
    assert token == Credential.objects.get(pk=credential.pk).jwt
    assert requests.get(url, timeout=10).text == token
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    document = credential.data
    kid = document["proof"]["verificationMethod"]
    key = resolve_kid(header["kid"], live_server.url)
    # OB 3.0 §8.2: only alg, kid, jwk, typ ("JWT"); the jwk is the DID document's key, no "d".
    assert set(header) == {"alg", "kid", "jwk", "typ"}
    assert header["alg"] == "EdDSA" and header["typ"] == "JWT" and header["kid"] == kid
    assert header["jwk"] == json.loads(key.export_public()) and "d" not in header["jwk"]
    _, claims = verified(token, key)
    # The payload is the credential, embedded proof included, plus the registered claims.
    assert {k: v for k, v in claims.items() if k not in ("iss", "jti", "nbf", "sub", "exp")} == (
        document
    )
    assert claims["iss"] == document["issuer"]["id"] and claims["jti"] == document["id"]
    assert claims["nbf"] == int(timezone.datetime.fromisoformat(document["validFrom"]).timestamp())
    assert claims["exp"] == int(timezone.datetime.fromisoformat(document["validUntil"]).timestamp())
    assert claims["sub"] == document["credentialSubject"]["identifier"][0]["identityHash"]
    assert "vc" not in claims  # VC 2.0 credentials are the payload itself (§8.2)


def test_vc_jose_cose_form(live_issue, live_server):
    credential = live_issue(slug="other-uni")
    assert not credential.vc_jwt  # signed on its first request (ADR 0092)
    url = f"{live_server.url}/credentials/{credential.pk}"
    response = requests.get(f"{url}.vc.jwt", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vc+jwt"
    token = response.text
    # Content negotiation gives the same stored bytes at the page URL and at .jwt.
    for address in (url, f"{url}.jwt"):
        again = requests.get(address, headers={"Accept": "application/vc+jwt"}, timeout=10)
        assert again.headers["Content-Type"] == "application/vc+jwt"
        assert again.text == token and "Accept" in again.headers["Vary"]
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {
        "alg": "EdDSA",
        "kid": credential.data["proof"]["verificationMethod"],
        "typ": "vc+jwt",
        "cty": "vc",
    }
    _, payload = verified(token, resolve_kid(header["kid"], live_server.url))
    unsecured = {k: v for k, v in credential.data.items() if k != "proof"}
    assert payload == unsecured  # the credential itself: no vc, iss, nbf, jti or proof


@pytest.mark.parametrize(("suffix", "form"), [(".jwt", "jwt"), (".vc.jwt", "vc_jwt")])
def test_each_form_is_signed_once_on_its_first_request(live_issue, live_server, suffix, form):
    credential = live_issue()
    url = f"{live_server.url}/credentials/{credential.pk}{suffix}"
    first = requests.get(url, timeout=10).text
    assert requests.get(url, timeout=10).text == first
    stored = Credential.objects.get(pk=credential.pk)
    assert getattr(stored, form) == first
    assert not getattr(stored, "vc_jwt" if form == "jwt" else "jwt")  # the other waits
    header = json.loads(base64.urlsafe_b64decode(first.split(".")[0] + "=="))
    verified(first, resolve_kid(header["kid"], live_server.url))


def test_a_concurrent_first_request_serves_the_bytes_stored_first(live_issue):
    """Two requests sign the same form at once: the one whose update lands second keeps
    nothing of its own and serves what the first stored."""
    credential = live_issue()
    stale = Credential.objects.get(pk=credential.pk)  # read before either request stored
    Credential.objects.filter(pk=credential.pk).update(jwt="the-winners-bytes")
    assert stored_forms([stale], "jwt") == ["the-winners-bytes"]
    assert Credential.objects.get(pk=credential.pk).jwt == "the-winners-bytes"


def test_a_compromised_key_signs_no_form_it_had_not_signed_before(live_issue, live_server):
    credential = live_issue()
    base = f"{live_server.url}/credentials/{credential.pk}"
    before = requests.get(f"{base}.jwt", timeout=10).text  # asked for while the key was sound
    mark_compromised(key=credential.signing_key, since=timezone.now(), actor="admin")
    assert requests.get(f"{base}.jwt", timeout=10).text == before
    assert requests.get(f"{base}.vc.jwt", timeout=10).status_code == 404
    assert not Credential.objects.get(pk=credential.pk).vc_jwt


def test_a_page_of_credentials_gets_its_forms_in_three_queries(
    live_issue, django_assert_num_queries
):
    """The OB API lists a page of credentials with their JWTs: signing the missing ones reads
    their keys once, writes them in one update and reads back what was stored."""
    rows = [live_issue() for _ in range(4)]
    fresh = list(Credential.objects.filter(pk__in=[c.pk for c in rows]))
    with django_assert_num_queries(3):
        tokens = stored_forms(fresh, "jwt")
    assert all(tokens) and len(set(tokens)) == 4
    with django_assert_num_queries(0):
        assert stored_forms(fresh, "jwt") == tokens
    for token in tokens:
        assert verify_credential_jwt(token).ok


def test_the_projects_verifier_accepts_both_forms_and_refuses_tampering(live_issue):
    from credentials.revocation import revoke_credential

    credential = live_issue(valid_until=later(30))
    for token in (stored_ob_jwt(credential), stored_vc_jose(credential)):
        assert verify_credential_jwt(token).ok, verify_credential_jwt(token).errors
        after_expiry = verify_credential_jwt(token, now=timezone.now() + timezone.timedelta(60))
        assert after_expiry.status == "expired"
        head, payload, signature = token.split(".")
        forged = ".".join(
            (head, payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB"), signature)
        )
        assert not verify_credential_jwt(forged).ok
    revoke_credential(credential=credential, reason="Error", actor="qa")
    for token in (stored_ob_jwt(credential), stored_vc_jose(credential)):
        assert verify_credential_jwt(token).status == "revoked"
