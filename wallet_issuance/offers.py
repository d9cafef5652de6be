"""Credential Offers (OID4VCI 1.0 §4.1): made for a learner's own credential, short-lived,
redeemed once, and shown as a QR code and an `openid-credential-offer://` link."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import record_event
from credentials.models import Credential, public_base_url

from .models import WalletOffer

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_SCHEME = "openid-credential-offer://"
TX_CODE_LENGTH = 6
LDP_VC = "OpenBadgeCredential_ldp_vc"
VC_JWT = "OpenBadgeCredential_jwt_vc_json-ld"
# Credential configuration id -> OID4VCI format identifier (Appendix A.1).
CONFIGURATIONS = {LDP_VC: "ldp_vc", VC_JWT: "jwt_vc_json-ld"}


class OfferError(ValueError):
    """No offer can be made for this credential; the message says why."""


def secret_hash(secret: str) -> str:
    """How codes and tokens are stored: never in the clear."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def offer_ttl() -> timedelta:
    return timedelta(seconds=getattr(settings, "WALLET_OFFER_TTL_SECONDS", 600))


def credential_issuer_id() -> str:
    """The Credential Issuer Identifier: this tool's public base URL."""
    return public_base_url()


@dataclass(frozen=True)
class NewOffer:
    offer: WalletOffer
    pre_authorized_code: str
    tx_code: str  # "" when the offer needs none
    offer_object: dict
    deep_link: str


def offer_object(*, pre_authorized_code: str, tx_code: bool) -> dict:
    grant: dict = {"pre-authorized_code": pre_authorized_code}
    if tx_code:
        grant["tx_code"] = {
            "input_mode": "numeric",
            "length": TX_CODE_LENGTH,
            "description": "The code shown under the QR code on your Credbridge page.",
        }
    return {
        "credential_issuer": credential_issuer_id(),
        "credential_configuration_ids": list(CONFIGURATIONS),
        "grants": {PRE_AUTHORIZED_GRANT: grant},
    }


def deep_link(offer: dict) -> str:
    """The offer by value, as a wallet's Credential Offer Endpoint takes it."""
    return (
        OFFER_SCHEME
        + "?"
        + urlencode({"credential_offer": json.dumps(offer, separators=(",", ":"))})
    )


def create_offer(
    *, credential: Credential, actor: str, platform_id: int | None, with_tx_code: bool = False
) -> NewOffer:
    """A new single-use offer of `credential` (active ones only), audited in one transaction."""
    if credential.status != Credential.Status.ACTIVE:
        raise OfferError(
            _("The credential is %(status)s.") % {"status": credential.get_status_display().lower()}
        )
    code = secrets.token_urlsafe(32)
    tx_code = f"{secrets.randbelow(10**TX_CODE_LENGTH):0{TX_CODE_LENGTH}d}" if with_tx_code else ""
    with transaction.atomic():
        offer = WalletOffer.objects.create(
            credential=credential,
            created_by=actor,
            platform_id=platform_id,
            code_hash=secret_hash(code),
            tx_code_hash=secret_hash(tx_code) if tx_code else "",
            expires_at=timezone.now() + offer_ttl(),
        )
        record_event(
            actor=actor,
            action="wallet.offer_created",
            object_type="wallet_issuance.WalletOffer",
            object_id=str(offer.pk),
            after={
                "credential": str(credential.pk),
                "expires_at": offer.expires_at.isoformat(),
                "tx_code": bool(tx_code),
            },
            platform_id=platform_id,
        )
    body = offer_object(pre_authorized_code=code, tx_code=bool(tx_code))
    return NewOffer(offer, code, tx_code, body, deep_link(body))
