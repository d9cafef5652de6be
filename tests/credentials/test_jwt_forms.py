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
from credentials.models import Credential

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
    response = requests.get(f"{live_server.url}/credentials/{credential.pk}.jwt", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/jwt"
    token = response.text
    assert token == credential.jwt  # the stored bytes, served unchanged
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
    assert credential.vc_jwt  # signed at issuance, stored beside the document
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


def test_a_credential_issued_before_the_vc_jose_form_gets_it_signed_once(live_issue, live_server):
    credential = live_issue()
    Credential.objects.filter(pk=credential.pk).update(vc_jwt="")  # as issued before
    url = f"{live_server.url}/credentials/{credential.pk}.vc.jwt"
    first = requests.get(url, timeout=10).text
    assert requests.get(url, timeout=10).text == first
    assert Credential.objects.get(pk=credential.pk).vc_jwt == first
    header = json.loads(base64.urlsafe_b64decode(first.split(".")[0] + "=="))
    verified(first, resolve_kid(header["kid"], live_server.url))


def test_the_projects_verifier_accepts_both_forms_and_refuses_tampering(live_issue):
    from credentials.local_verification import verify_credential_jwt
    from credentials.revocation import revoke_credential

    credential = live_issue(valid_until=later(30))
    for token in (credential.jwt, credential.vc_jwt):
        assert verify_credential_jwt(token).ok, verify_credential_jwt(token).errors
        after_expiry = verify_credential_jwt(token, now=timezone.now() + timezone.timedelta(60))
        assert after_expiry.status == "expired"
        head, payload, signature = token.split(".")
        forged = ".".join(
            (head, payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB"), signature)
        )
        assert not verify_credential_jwt(forged).ok
    revoke_credential(credential=credential, reason="Error", actor="qa")
    for token in (credential.jwt, credential.vc_jwt):
        assert verify_credential_jwt(token).status == "revoked"
