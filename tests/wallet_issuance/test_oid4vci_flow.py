"""The whole OID4VCI pre-authorized code flow, played by a wallet over real HTTP, and what the
wallet receives: a credential bound to its DID that verifies and shares the learner's status."""

import base64
import json

import base58
import requests
from jwcrypto import jwk, jws

from audit.models import AuditEvent
from credentials.local_verification import verify_credential, verify_credential_jwt
from credentials.models import Credential
from credentials.revocation import revoke_credential
from credentials.status_lists import bit_is_set, decode_bitstring
from wallet_issuance.models import WalletCredential, WalletOffer

from .conftest import offer_page
from .wallet import PRE_AUTH, Wallet, offer_from_page, receive


def test_learner_page_offers_a_wallet_and_the_wallet_receives_a_bound_credential(site):
    world, ada, award = site["world"], site["ada"], site["ada_award"]
    home = requests.get(f"{site['url']}/learner/", params={"lt": world.launch(ada).token})
    assert "Add to wallet" in home.text
    page = offer_page(site, "ada")
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    assert 'src="data:image/png;base64,' in page.text  # the QR code
    offer = offer_from_page(page.text)
    assert offer["credential_issuer"] == site["url"]
    assert set(offer["grants"]) == {PRE_AUTH}
    assert "tx_code" not in offer["grants"][PRE_AUTH]  # off unless WALLET_OFFER_TX_CODE

    wallet = Wallet()
    response, _, _ = receive(wallet, offer, "OpenBadgeCredential_ldp_vc")
    assert response.status_code == 200, response.text
    assert "no-store" in response.headers["Cache-Control"]
    (item,) = response.json()["credentials"]
    copy = item["credential"]

    learner_credential = Credential.objects.get(pk=award.uuid)
    original = learner_credential.data
    # Holder binding: the wallet's own DID is the subject; the rest is the learner's credential.
    assert copy["credentialSubject"]["id"] == wallet.did
    assert copy["id"] != original["id"]
    assert copy["credentialStatus"] == original["credentialStatus"]
    for field in ("issuer", "validFrom", "name", "type", "@context"):
        assert copy[field] == original[field]
    subject = {k: v for k, v in copy["credentialSubject"].items() if k != "id"}
    assert subject == original["credentialSubject"]
    result = verify_credential(copy)
    assert result.ok, result.errors
    stored = WalletCredential.objects.get()
    assert stored.holder_did == wallet.did and json.loads(stored.credential) == copy
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"wallet.offer_created", "wallet.token_issued", "wallet.credential_issued"} <= actions

    # Revoking the learner's credential revokes the wallet's copy: one status list bit.
    revoke_credential(credential=learner_credential, reason="Awarded in error", actor="qa")
    assert verify_credential(copy).status == "revoked"
    status = copy["credentialStatus"]
    listed = requests.get(status["statusListCredential"], timeout=10).json()
    bits = decode_bitstring(listed["credentialSubject"]["encodedList"])
    assert bit_is_set(bits, int(status["statusListIndex"]))
    # ...and no new offer can be made for it.
    assert offer_page(site, "ada").status_code == 409


def test_the_vc_jose_configuration_sends_a_vc_jwt_bound_to_the_wallet(site, new_offer):
    wallet = Wallet()
    response, _, _ = receive(wallet, new_offer(), "OpenBadgeCredential_jwt_vc_json-ld")
    assert response.status_code == 200, response.text
    token = response.json()["credentials"][0]["credential"]
    assert isinstance(token, str)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["typ"] == "vc+jwt" and header["alg"] == "EdDSA"
    # An independent JOSE library with the issuer key from the served DID document.
    did, _, _ = header["kid"].partition("#")
    assert did.startswith("did:web:")
    path = (
        "/.well-known/did.json"
        if did.count(":") == 2
        else "/issuers/{}/did.json".format(did.rsplit(":", 1)[1])
    )
    document = requests.get(site["url"] + path, timeout=10).json()
    (method,) = [m for m in document["verificationMethod"] if m["id"] == header["kid"]]
    raw = base58.b58decode(method["publicKeyMultibase"][1:])[2:]
    key = jwk.JWK(kty="OKP", crv="Ed25519", x=base64.urlsafe_b64encode(raw).decode().rstrip("="))
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(key, alg="EdDSA")
    payload = json.loads(signed.payload)
    assert payload["credentialSubject"]["id"] == wallet.did and "vc" not in payload
    assert verify_credential_jwt(token).ok


def test_a_wallet_with_a_jwk_gets_a_did_jwk_subject(site, new_offer):
    wallet = Wallet()
    offer = new_offer()
    issuer = offer["credential_issuer"]
    issuer_meta, auth_meta = wallet.metadata(issuer)
    token = wallet.token(
        auth_meta["token_endpoint"], offer["grants"][PRE_AUTH]["pre-authorized_code"]
    )
    public = json.loads(jwk.JWK.from_pyca(wallet.key.public_key()).export_public())
    proof = wallet.proof(aud=issuer, nonce=wallet.nonce(issuer_meta["nonce_endpoint"]), jwk=public)
    response = wallet.request_credential(
        issuer_meta["credential_endpoint"],
        token.json()["access_token"],
        {"credential_configuration_id": "OpenBadgeCredential_ldp_vc", "proofs": {"jwt": [proof]}},
    )
    assert response.status_code == 200, response.text
    subject_id = response.json()["credentials"][0]["credential"]["credentialSubject"]["id"]
    assert subject_id.startswith("did:jwk:")
    encoded = subject_id.removeprefix("did:jwk:")
    assert json.loads(base64.urlsafe_b64decode(encoded + "==")) == {
        "crv": "Ed25519",
        "kty": "OKP",
        "x": public["x"],
    }
    assert WalletOffer.objects.get().token_used_at is not None
