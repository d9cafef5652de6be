"""A wallet's copy shares the learner's status list entry, so a confirmed suspension,
reinstatement or revocation (an instructor's request, QA's confirmation) reaches it too."""

import requests

from awarding.models import StatusChange
from awarding.status_changes import confirm_status_change, request_status_change
from credentials.local_verification import verify_credential
from credentials.status_lists import bit_is_set, decode_bitstring

from .conftest import offer_page
from .wallet import Wallet, offer_from_page, receive


def _bit(copy, purpose=""):
    status = copy["credentialStatus"]
    listed = requests.get(status["statusListCredential"] + purpose, timeout=10).json()
    bits = decode_bitstring(listed["credentialSubject"]["encodedList"])
    return bit_is_set(bits, int(status["statusListIndex"]))


def _decided(award, action, category="issued_in_error"):
    change = request_status_change(
        award=award,
        action=action,
        private_reason="Checked with the examinations office",
        public_category=category,
        actor="lti:1:teacher",
    )
    confirm_status_change(change=change, actor="user:99", as_qa=True)
    return change


def test_the_wallet_copy_follows_suspension_reinstatement_and_revocation(site):
    award = site["ada_award"]
    wallet = Wallet()
    response, _, _ = receive(
        wallet, offer_from_page(offer_page(site, "ada").text), "OpenBadgeCredential_ldp_vc"
    )
    assert response.status_code == 200, response.text
    copy = response.json()["credentials"][0]["credential"]
    assert verify_credential(copy).ok

    _decided(award, StatusChange.Action.SUSPEND)
    assert verify_credential(copy).status == "suspended"
    assert _bit(copy, "/suspension") and not _bit(copy)

    _decided(award, StatusChange.Action.REINSTATE, category="")
    assert verify_credential(copy).ok and not _bit(copy, "/suspension")

    _decided(award, StatusChange.Action.REVOKE)
    assert verify_credential(copy).status == "revoked" and _bit(copy)
