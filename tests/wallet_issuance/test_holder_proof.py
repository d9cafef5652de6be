"""The key proof check on its own (pure): which JWTs name a holder key, and which do not."""

import base64
import json
from datetime import UTC, datetime

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto import jwk

from wallet_issuance.holder_proof import ProofRefused, verify_key_proof

from .wallet import did_key

AUD = "https://credbridge.example.edu"
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def proof(key, headers, **claims):
    body = {"aud": AUD, "iat": int(NOW.timestamp()), "nonce": "n-1", **claims}
    return jwt.encode(body, key, "EdDSA", headers={"typ": "openid4vci-proof+jwt", **headers})


def test_a_did_key_proof_names_that_did():
    key = Ed25519PrivateKey.generate()
    did = did_key(key)
    holder = verify_key_proof(proof(key, {"kid": f"{did}#{did[8:]}"}), audience=AUD, now=NOW)
    assert (holder.did, holder.nonce) == (did, "n-1")


def test_a_jwk_proof_names_its_did_jwk():
    key = Ed25519PrivateKey.generate()
    public = json.loads(jwk.JWK.from_pyca(key.public_key()).export_public())
    holder = verify_key_proof(proof(key, {"jwk": public}), audience=AUD, now=NOW)
    encoded = holder.did.removeprefix("did:jwk:")
    assert json.loads(base64.urlsafe_b64decode(encoded + "==")) == {
        "crv": "Ed25519",
        "kty": "OKP",
        "x": public["x"],
    }


@pytest.mark.parametrize(
    "case",
    [
        "kid and jwk",
        "private jwk",
        "fragment of another key",
        "not a did:key",
        "P-256 did:key",
        "alg none",
    ],
)
def test_keys_named_wrongly_are_refused(case):
    key = Ed25519PrivateKey.generate()
    did = did_key(key)
    private = json.loads(jwk.JWK.from_pyca(key).export_private())
    public = {k: v for k, v in private.items() if k != "d"}
    other = did_key(Ed25519PrivateKey.generate())
    headers = {
        "kid and jwk": {"kid": f"{did}#{did[8:]}", "jwk": public},
        "private jwk": {"jwk": private},
        "fragment of another key": {"kid": f"{did}#{other[8:]}"},
        "not a did:key": {"kid": "did:web:example.org#key-1"},
        "P-256 did:key": {"kid": "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169"},
    }.get(case, {"kid": f"{did}#{did[8:]}"})
    token = proof(key, headers)
    if case == "alg none":
        token = jwt.encode({"aud": AUD, "iat": 1, "nonce": "n"}, None, "none", headers=headers)
    with pytest.raises(ProofRefused) as refused:
        verify_key_proof(token, audience=AUD, now=NOW)
    assert refused.value.error == "invalid_proof"
