"""A wallet, written for the tests: an OID4VCI 1.0 client holding its own did:key (Ed25519).

It talks to the live server over real HTTP only and knows nothing of the project's code: it
reads the offer, the metadata, and makes its own key proofs.
"""

from __future__ import annotations

import html
import json
import re
import time
from urllib.parse import parse_qs, urlsplit

import base58
import jwt
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

PRE_AUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_LINK = re.compile(r'href="(openid-credential-offer://[^"]+)"')


def did_key(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "did:key:z" + base58.b58encode(b"\xed\x01" + raw).decode()


def offer_from_page(page_html: str) -> dict:
    """The Credential Offer carried by the page's `openid-credential-offer://` link."""
    match = OFFER_LINK.search(page_html)
    assert match, "the page has no openid-credential-offer:// link"
    link = html.unescape(match.group(1))
    query = parse_qs(urlsplit(link).query)
    assert set(query) == {"credential_offer"}
    return json.loads(query["credential_offer"][0])


class Wallet:
    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.did = did_key(self.key)
        self.kid = f"{self.did}#{self.did.removeprefix('did:key:')}"
        self.http = requests.Session()

    def metadata(self, issuer: str) -> tuple[dict, dict]:
        meta = self.http.get(f"{issuer}/.well-known/openid-credential-issuer", timeout=10)
        assert meta.status_code == 200, meta.text
        issuer_meta = meta.json()
        assert issuer_meta["credential_issuer"] == issuer
        servers = issuer_meta.get("authorization_servers") or [issuer]
        auth = self.http.get(f"{servers[0]}/.well-known/oauth-authorization-server", timeout=10)
        assert auth.status_code == 200, auth.text
        return issuer_meta, auth.json()

    def token(self, token_endpoint: str, code: str, tx_code: str | None = None):
        data = {"grant_type": PRE_AUTH, "pre-authorized_code": code}
        if tx_code is not None:
            data["tx_code"] = tx_code
        return self.http.post(token_endpoint, data=data, timeout=10)

    def nonce(self, nonce_endpoint: str) -> str:
        response = self.http.post(nonce_endpoint, timeout=10)
        assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
        return response.json()["c_nonce"]

    def proof(
        self, *, aud: str, nonce: str | None, iat: float | None = None, key=None, **header
    ) -> str:
        claims = {"aud": aud, "iat": int(iat if iat is not None else time.time())}
        if nonce is not None:
            claims["nonce"] = nonce
        headers = {"typ": "openid4vci-proof+jwt", "kid": self.kid, **header}
        if "jwk" in headers:  # a key named by value: kid must not be there (§F.1)
            del headers["kid"]
        return jwt.encode(claims, key or self.key, "EdDSA", headers=headers)

    def request_credential(self, endpoint: str, access_token: str | None, body: dict):
        headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
        return self.http.post(endpoint, json=body, headers=headers, timeout=30)


def receive(wallet: Wallet, offer: dict, configuration_id: str, *, tx_code: str | None = None):
    """The whole flow from a read offer: metadata → token → nonce → proof → credential."""
    issuer = offer["credential_issuer"]
    issuer_meta, auth_meta = wallet.metadata(issuer)
    assert configuration_id in offer["credential_configuration_ids"]
    assert configuration_id in issuer_meta["credential_configurations_supported"]
    code = offer["grants"][PRE_AUTH]["pre-authorized_code"]
    token = wallet.token(auth_meta["token_endpoint"], code, tx_code)
    assert token.status_code == 200, token.text
    assert token.json()["token_type"] == "Bearer"
    nonce = wallet.nonce(issuer_meta["nonce_endpoint"])
    response = wallet.request_credential(
        issuer_meta["credential_endpoint"],
        token.json()["access_token"],
        {
            "credential_configuration_id": configuration_id,
            "proofs": {"jwt": [wallet.proof(aud=issuer, nonce=nonce)]},
        },
    )
    return response, token.json()["access_token"], issuer_meta
