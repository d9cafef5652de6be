"""A wallet's copy is not a Credential row; when the issuer key that signed it is later
reported compromised, the verifier still knows it as one we sent (and refuses anything else
signed with that key)."""

import uuid
from datetime import timedelta

from django.utils import timezone

from credentials.local_verification import verify_credential, verify_credential_jwt
from credentials.models import Credential
from credentials.signing_keys import mark_compromised
from wallet_issuance.models import WalletCredential

from .wallet import Wallet, receive


def _copy(new_offer, configuration):
    response, _, _ = receive(Wallet(), new_offer(), configuration)
    assert response.status_code == 200, response.text
    return response.json()["credentials"][0]["credential"]


def test_copies_sent_before_a_compromise_still_verify_and_others_do_not(site, new_offer):
    document = _copy(new_offer, "OpenBadgeCredential_ldp_vc")
    token = _copy(new_offer, "OpenBadgeCredential_jwt_vc_json-ld")
    key = Credential.objects.get(pk=site["ada_award"].uuid).signing_key
    mark_compromised(key=key, since=timezone.now() + timedelta(seconds=1), actor="admin")

    assert verify_credential(document).ok, verify_credential(document).errors
    assert verify_credential_jwt(token).ok, verify_credential_jwt(token).errors

    # The same copy with another id was never sent: a thief's re-signed copy is refused.
    forged = dict(document, id=f"urn:uuid:{uuid.uuid4()}")
    from credentials.proofs import split_proof
    from credentials.signing import sign_credential

    unsigned, _ = split_proof(forged)
    forged = sign_credential(
        unsigned,
        private_key=key.private_key(),
        verification_method=key.verification_method(),
        created=timezone.now() - timedelta(days=30),
    )
    result = verify_credential(forged)
    assert not result.ok and "compromised" in " ".join(result.errors)

    # Compromised since before the copies were sent: they are no longer vouched for.
    first = WalletCredential.objects.order_by("issued_at").first()
    mark_compromised(key=key, since=first.issued_at, actor="admin")
    assert "compromised" in " ".join(verify_credential(document).errors)
    assert "compromised" in " ".join(verify_credential_jwt(token).errors)
