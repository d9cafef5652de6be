"""What the wallet endpoints refuse: replayed or expired offers and tokens, bad key proofs,
someone else's credential, and anyone without a token. Each refusal leaves nothing issued."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from audit.models import AuditEvent
from wallet_issuance.models import WalletCredential, WalletOffer

from .conftest import offer_page
from .wallet import PRE_AUTH, Wallet, receive

LDP = "OpenBadgeCredential_ldp_vc"


def _token(wallet, site, offer, tx_code=None):
    return wallet.token(
        f"{site['url']}/oid4vci/token", offer["grants"][PRE_AUTH]["pre-authorized_code"], tx_code
    )


def _ask(wallet, site, access_token, proof, **body):
    return wallet.request_credential(
        f"{site['url']}/oid4vci/credential",
        access_token,
        {"credential_configuration_id": LDP, "proofs": {"jwt": [proof]}, **body},
    )


def test_a_pre_authorized_code_is_exchanged_once_and_not_after_it_expires(site, new_offer):
    wallet, offer = Wallet(), new_offer()
    assert _token(wallet, site, offer).status_code == 200
    replay = _token(wallet, site, offer)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    late = new_offer()
    WalletOffer.objects.filter(redeemed_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert _token(wallet, site, late).json()["error"] == "invalid_grant"
    guess = {"grants": {PRE_AUTH: {"pre-authorized_code": "guess"}}}
    assert _token(wallet, site, guess).json()["error"] == "invalid_grant"


@pytest.mark.postgres
def test_wallets_racing_for_one_code_get_one_token(site, new_offer):
    """Real concurrency needs PostgreSQL (in-memory SQLite locks the table instead)."""
    wallet, offer = Wallet(), new_offer()
    with ThreadPoolExecutor(5) as pool:
        answers = list(pool.map(lambda _: _token(wallet, site, offer), range(5)))
    assert sorted(a.status_code for a in answers) == [200, 400, 400, 400, 400]
    assert {a.json()["error"] for a in answers if a.status_code == 400} == {"invalid_grant"}
    assert AuditEvent.objects.filter(action="wallet.token_issued").count() == 1


def test_an_access_token_issues_one_credential_and_expires(site, new_offer):
    wallet = Wallet()
    response, access_token, meta = receive(wallet, new_offer(), LDP)
    assert response.status_code == 200
    again = _ask(
        wallet,
        site,
        access_token,
        wallet.proof(aud=site["url"], nonce=wallet.nonce(meta["nonce_endpoint"])),
    )
    assert again.status_code == 401 and again.json()["error"] == "invalid_token"
    assert "Bearer" in again.headers["WWW-Authenticate"]
    token = _token(wallet, site, new_offer()).json()["access_token"]
    WalletOffer.objects.filter(token_used_at__isnull=True).update(
        token_expires_at=timezone.now() - timedelta(seconds=1)
    )
    proof = wallet.proof(aud=site["url"], nonce=wallet.nonce(meta["nonce_endpoint"]))
    assert _ask(wallet, site, token, proof).status_code == 401
    assert WalletCredential.objects.count() == 1


def test_bad_key_proofs_are_refused_and_spend_nothing(site, new_offer):
    wallet = Wallet()
    access_token = _token(wallet, site, new_offer()).json()["access_token"]
    nonce_url = f"{site['url']}/oid4vci/nonce"
    fresh = wallet.nonce(nonce_url)
    cases = {
        "wrong audience": (
            wallet.proof(aud="https://other-issuer.example", nonce=fresh),
            "invalid_proof",
        ),
        "stale iat": (
            wallet.proof(aud=site["url"], nonce=fresh, iat=time.time() - 600),
            "invalid_proof",
        ),
        "future iat": (
            wallet.proof(aud=site["url"], nonce=fresh, iat=time.time() + 600),
            "invalid_proof",
        ),
        "no nonce": (wallet.proof(aud=site["url"], nonce=None), "invalid_proof"),
        "made-up nonce": (wallet.proof(aud=site["url"], nonce="made-up"), "invalid_nonce"),
        "tampered nonce": (wallet.proof(aud=site["url"], nonce=fresh[:-2] + "xx"), "invalid_nonce"),
        "wrong typ": (wallet.proof(aud=site["url"], nonce=fresh, typ="JWT"), "invalid_proof"),
        "another key than kid": (
            wallet.proof(aud=site["url"], nonce=fresh, key=Ed25519PrivateKey.generate()),
            "invalid_proof",
        ),
    }
    for name, (proof, error) in cases.items():
        answer = _ask(wallet, site, access_token, proof)
        assert (answer.status_code, answer.json()["error"]) == (400, error), name
    assert _ask(wallet, site, access_token, "not a jwt").json()["error"] == "invalid_proof"
    no_proof = wallet.request_credential(
        f"{site['url']}/oid4vci/credential", access_token, {"credential_configuration_id": LDP}
    )
    assert no_proof.json()["error"] == "invalid_proof"
    unknown = _ask(
        wallet,
        site,
        access_token,
        wallet.proof(aud=site["url"], nonce=fresh),
        credential_configuration_id="Diploma",
    )
    assert unknown.json()["error"] == "unknown_credential_configuration"
    assert not WalletCredential.objects.exists()
    # The token was not spent by the refusals; a good proof still works, once per nonce.
    assert (
        _ask(wallet, site, access_token, wallet.proof(aud=site["url"], nonce=fresh)).status_code
        == 200
    )
    other = _token(wallet, site, new_offer()).json()["access_token"]
    replay = _ask(wallet, site, other, wallet.proof(aud=site["url"], nonce=fresh))
    assert replay.json()["error"] == "invalid_nonce"
    assert WalletCredential.objects.count() == 1


def test_a_learner_gets_only_their_own_credential(site, new_offer):
    ada_award, grace_award = site["ada_award"], site["grace_award"]
    wallet = Wallet()
    grace_token = _token(wallet, site, new_offer("grace")).json()["access_token"]
    proof = wallet.proof(aud=site["url"], nonce=wallet.nonce(f"{site['url']}/oid4vci/nonce"))
    stolen = wallet.request_credential(
        f"{site['url']}/oid4vci/credential",
        grace_token,
        {"credential_identifier": str(ada_award.uuid), "proofs": {"jwt": [proof]}},
    )
    assert stolen.status_code == 400 and stolen.json()["error"] == "unknown_credential_identifier"
    own = _ask(wallet, site, grace_token, proof)
    assert own.status_code == 200
    assert WalletCredential.objects.get().source_id == grace_award.uuid
    # Nor can Grace make an offer of Ada's award from her own launch.
    world = site["world"]
    forged = requests.post(
        f"{site['url']}/learner/credentials/{ada_award.uuid}/wallet-offer",
        data={"lt": world.launch(site["grace"]).token},
        timeout=30,
    )
    assert forged.status_code == 404


def test_anonymous_requests_are_refused(site):
    url = site["url"]
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}):
        answer = requests.post(f"{url}/oid4vci/credential", json={}, headers=headers, timeout=10)
        assert answer.status_code == 401 and "Bearer" in answer.headers["WWW-Authenticate"]
    award = site["ada_award"]
    no_launch = requests.post(f"{url}/learner/credentials/{award.uuid}/wallet-offer", timeout=10)
    assert no_launch.status_code == 403
    assert (
        requests.get(f"{url}/learner/credentials/{award.uuid}/wallet-offer", timeout=10).status_code
        == 405
    )
    assert (
        requests.post(f"{url}/oid4vci/token", data={"grant_type": "password"}, timeout=10).json()[
            "error"
        ]
        == "unsupported_grant_type"
    )
    assert not WalletOffer.objects.exists()


def test_an_offer_with_a_transaction_code(site, settings):
    settings.WALLET_OFFER_TX_CODE = True
    page = offer_page(site, "ada").text
    from .wallet import offer_from_page

    offer = offer_from_page(page)
    assert offer["grants"][PRE_AUTH]["tx_code"]["length"] == 6
    tx_code = page.split('class="tx-code">', 1)[1][:6]
    wallet = Wallet()
    assert _token(wallet, site, offer).json()["error"] == "invalid_request"
    assert (
        _token(wallet, site, offer, "000000" if tx_code != "000000" else "111111").json()["error"]
        == "invalid_grant"
    )
    response, _, _ = receive(wallet, offer, LDP, tx_code=tx_code)
    assert response.status_code == 200
    # Five wrong codes end an offer.
    second = offer_from_page(offer_page(site, "ada").text)
    for _ in range(5):
        assert _token(wallet, site, second, "99999x").status_code == 400
    assert AuditEvent.objects.filter(action="wallet.tx_code_refused").count() >= 6
    last_code = "x"  # even the right code cannot revive it; it is unknown to the test anyway
    assert _token(wallet, site, second, last_code).json()["error"] == "invalid_grant"
