"""The Credential Endpoint's work (OID4VCI 1.0 §8): check the access token, the request and the
holder's key proof, sign the holder-bound copy, and hand it over once."""

from __future__ import annotations

import json
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.events import record_event
from credentials.credential_issuance import IssuanceError
from credentials.holder_copy import sign_holder_copy

from .holder_proof import ProofRefused, verify_key_proof
from .models import WalletCredential, WalletOffer
from .nonces import nonce_is_fresh
from .offers import CONFIGURATIONS, LDP_VC, credential_issuer_id, secret_hash


class CredentialRequestError(Exception):
    """Refused: `error` is the OID4VCI / RFC 6750 code; `status` the HTTP status to answer."""

    def __init__(self, error: str, description: str, *, status: int = 400):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def _offer_for(access_token: str) -> WalletOffer:
    now = timezone.now()
    offer = (
        WalletOffer.objects.select_related("credential__issuer")
        .filter(token_hash=secret_hash(access_token))
        .first()
        if access_token
        else None
    )
    if (
        offer is None
        or offer.token_used_at is not None
        or offer.token_expires_at is None
        or offer.token_expires_at <= now
    ):
        raise CredentialRequestError(
            "invalid_token", "The access token is unknown, expired or used.", status=401
        )
    return offer


def _configuration(body: dict, offer: WalletOffer) -> str:
    config, identifier = body.get("credential_configuration_id"), body.get("credential_identifier")
    if (config is None) == (identifier is None):
        raise CredentialRequestError(
            "invalid_credential_request",
            "Name exactly one of credential_configuration_id or credential_identifier.",
        )
    if identifier is not None:
        # Our only credential datasets are the offered credential itself.
        if identifier != str(offer.credential_id):
            raise CredentialRequestError(
                "unknown_credential_identifier", "This token is for another credential."
            )
        return LDP_VC
    if config not in CONFIGURATIONS:
        raise CredentialRequestError(
            "unknown_credential_configuration", "Unknown credential configuration."
        )
    return config


def _key_proof(body: dict) -> object:
    proofs = body.get("proofs")
    if isinstance(proofs, dict):
        if set(proofs) != {"jwt"} or not isinstance(proofs["jwt"], list):
            raise CredentialRequestError("invalid_proof", "Send one key proof of type jwt.")
        if len(proofs["jwt"]) != 1:
            raise CredentialRequestError("invalid_proof", "One key proof: no batch issuance.")
        return proofs["jwt"][0]
    proof = body.get("proof")  # the singular form of drafts before 1.0, which wallets still send
    if isinstance(proof, dict) and proof.get("proof_type") == "jwt":
        return proof.get("jwt")
    raise CredentialRequestError("invalid_proof", "The request has no key proof (proofs.jwt).")


def issue_to_wallet(*, access_token: str, body: object) -> dict:
    """The Credential Response body; CredentialRequestError says why not."""
    offer = _offer_for(access_token)
    if not isinstance(body, dict):
        raise CredentialRequestError("invalid_credential_request", "The body is not a JSON object.")
    config = _configuration(body, offer)
    try:
        holder = verify_key_proof(
            _key_proof(body), audience=credential_issuer_id(), now=timezone.now()
        )
    except ProofRefused as exc:
        raise CredentialRequestError(exc.error, str(exc)) from exc
    if not nonce_is_fresh(holder.nonce):
        raise CredentialRequestError(
            "invalid_nonce", "The c_nonce is unknown or expired: get a new one."
        )
    copy_id = uuid.uuid4()
    try:
        copy = sign_holder_copy(credential=offer.credential, holder_did=holder.did, copy_id=copy_id)
    except IssuanceError as exc:
        raise CredentialRequestError("credential_request_denied", str(exc)) from exc
    value = copy.document if config == LDP_VC else copy.vc_jwt
    try:
        with transaction.atomic():
            won = WalletOffer.objects.filter(pk=offer.pk, token_used_at__isnull=True).update(
                token_used_at=timezone.now()
            )
            if not won:
                raise CredentialRequestError(
                    "invalid_token", "The access token was used already.", status=401
                )
            WalletCredential.objects.create(
                id=copy_id,
                offer=offer,
                source=offer.credential,
                holder_did=holder.did,
                configuration_id=config,
                credential=value if isinstance(value, str) else json.dumps(value, indent=2),
                nonce_hash=secret_hash(holder.nonce),
            )
            _audit(offer, copy_id, holder.did, config)
    except IntegrityError as exc:  # the nonce was spent by an earlier credential
        raise CredentialRequestError(
            "invalid_nonce", "The c_nonce was used already: get a new one."
        ) from exc
    return {"credentials": [{"credential": value}]}


def _audit(offer: WalletOffer, copy_id: uuid.UUID, holder_did: str, config: str) -> None:
    record_event(
        actor="wallet:" + holder_did[:290],
        action="wallet.credential_issued",
        object_type="wallet_issuance.WalletCredential",
        object_id=str(copy_id),
        after={
            "source": str(offer.credential_id),
            "offer": str(offer.pk),
            "holder": holder_did,
            "configuration": config,
        },
        platform_id=offer.platform_id,
    )
