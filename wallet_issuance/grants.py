"""The Token Endpoint's pre-authorized code grant (OID4VCI 1.0 §6): code (+ transaction code)
in, a short-lived Bearer access token out. A code is exchanged once; the access token it
buys issues one credential."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.events import record_event

from .models import WalletOffer
from .offers import secret_hash

MAX_TX_CODE_FAILURES = 5
WALLET_ACTOR = "wallet:pre-authorized"


class GrantError(Exception):
    """An OAuth 2.0 token error (RFC 6749 §5.2): `error` code and a description."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int


def token_ttl() -> timedelta:
    return timedelta(seconds=getattr(settings, "WALLET_ACCESS_TOKEN_TTL_SECONDS", 300))


def _audit(offer: WalletOffer, action: str, after: dict) -> None:
    record_event(
        actor=WALLET_ACTOR,
        action=action,
        object_type="wallet_issuance.WalletOffer",
        object_id=str(offer.pk),
        after=after,
        platform_id=offer.platform_id,
    )


def _refuse_tx_code(offer: WalletOffer) -> GrantError:
    """Count a wrong transaction code; the offer dies after MAX_TX_CODE_FAILURES."""
    with transaction.atomic():
        WalletOffer.objects.filter(pk=offer.pk).update(tx_code_failures=F("tx_code_failures") + 1)
        failures = WalletOffer.objects.values_list("tx_code_failures", flat=True).get(pk=offer.pk)
        if failures >= MAX_TX_CODE_FAILURES:
            WalletOffer.objects.filter(pk=offer.pk).update(expires_at=timezone.now())
        _audit(offer, "wallet.tx_code_refused", {"failures": failures})
    return GrantError("invalid_grant", "The transaction code is wrong.")


def redeem_pre_authorized_code(*, code: str, tx_code: str | None) -> AccessToken:
    now = timezone.now()
    offer = WalletOffer.objects.filter(code_hash=secret_hash(code or "")).first()
    if offer is None or offer.redeemed_at is not None or offer.expires_at <= now:
        raise GrantError("invalid_grant", "The offer is unknown, expired or already used.")
    if offer.tx_code_hash:
        if tx_code is None:
            raise GrantError("invalid_request", "This offer needs its transaction code (tx_code).")
        if not hmac.compare_digest(secret_hash(tx_code), offer.tx_code_hash):
            raise _refuse_tx_code(offer)
    elif tx_code is not None:
        raise GrantError("invalid_request", "This offer has no transaction code.")
    token = secrets.token_urlsafe(32)
    expires = now + token_ttl()
    with transaction.atomic():
        # The conditional update is the single-use guard: of two redemptions, one wins.
        won = WalletOffer.objects.filter(
            pk=offer.pk, redeemed_at__isnull=True, expires_at__gt=now
        ).update(redeemed_at=now, token_hash=secret_hash(token), token_expires_at=expires)
        if not won:
            raise GrantError("invalid_grant", "The offer is unknown, expired or already used.")
        _audit(offer, "wallet.token_issued", {"token_expires_at": expires.isoformat()})
    return AccessToken(token, int(token_ttl().total_seconds()))
