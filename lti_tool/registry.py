"""Registrations from the database, in the shape pylti1p3 expects (its ToolConf)."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import serialization
from django.utils.translation import gettext_noop
from pylti1p3.deployment import Deployment as PyltiDeployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract

from .keys import current_signing_key
from .models import Deployment, Platform
from .prepared_reads import BoundRead, PreparedRead, read_together
from .refusals import forbidden

# The login's and the launch's reads, compiled once (ADR 0077); each `first()` is the ORM's.
PLATFORM_OF_CLIENT: PreparedRead[Platform] = PreparedRead(
    lambda issuer, client_id: Platform.objects.filter(issuer=issuer, client_id=client_id).order_by(
        "pk"
    )[:1],
    params={"issuer": str, "client_id": str},
)
PLATFORM_BY_PK: PreparedRead[Platform] = PreparedRead(
    lambda pk: Platform.objects.filter(pk=pk).order_by("pk")[:1], params={"pk": int}
)
DEPLOYMENT_WITH_PLATFORM: PreparedRead[Deployment] = PreparedRead(
    lambda platform_id, deployment_id: (
        Deployment.objects.select_related("platform")
        .filter(platform_id=platform_id, deployment_id=deployment_id)
        .order_by("pk")[:1]
    ),
    params={"platform_id": int, "deployment_id": str},
)


def find_platform(*, issuer: str, client_id: str | None) -> Platform | None:
    """The active registration for (issuer, client_id). Without a client id (some platforms
    omit it at login) the issuer must have exactly one registration.

    Raises LaunchRefused (403 `platform_pending`) for a registration an operator has not
    approved yet: the login and the launch both find their platform here.
    """
    if not issuer or len(issuer) > 500:
        return None
    # No registration has a NUL, which PostgreSQL refuses in a query's text (a 500 there).
    if "\x00" in issuer or (client_id and "\x00" in str(client_id)):
        return None
    if client_id:
        found = PLATFORM_OF_CLIENT.first(issuer=issuer, client_id=str(client_id)[:255])
    else:
        candidates = list(Platform.objects.filter(issuer=issuer)[:2])
        found = candidates[0] if len(candidates) == 1 else None
    if found is not None:
        _refuse_pending(found)
    return found


def platform_named(known: Platform | None, *, issuer: str, client_id: str) -> Platform | None:
    """`find_platform`, answered from `known` (a row this request already loaded, e.g. the
    login's platform) when it is that registration: (issuer, client_id) is unique, so the
    answer is the same without a second query. The same refusals as `find_platform`."""
    if (
        known is not None
        and client_id
        and issuer == known.issuer
        and str(client_id)[:255] == known.client_id
    ):
        _refuse_pending(known)
        return known
    return find_platform(issuer=issuer, client_id=client_id)


def login_platform(
    platform_id: int, *, deployment_id: str, also: BoundRead[Any] | None = None
) -> tuple[Platform | None, Deployment | None, list[Any] | None]:
    """The login's platform row and, when registered, its deployment `deployment_id`: one
    query for the two. `deployment_id` is read from the id_token before its signature is
    checked, so the deployment is only an offer: the launch uses it after verification only
    if the verified claim names it (CredbridgeMessageLaunch._check_deployment), and still
    checks that it is active. `also`: another read sent in the same round trip (the launch
    recorder's, launch_hooks.launch_read_offer); its answer is the third value (None
    without one)."""
    others = (also,) if also is not None else ()
    # PostgreSQL refuses a NUL in text: such a claim is refused after verification.
    if deployment_id and len(deployment_id) <= 255 and "\x00" not in deployment_id:
        found, *answers = read_together(
            DEPLOYMENT_WITH_PLATFORM.bound(platform_id=platform_id, deployment_id=deployment_id),
            *others,
        )
        ahead = answers[0] if answers else None
        if found:
            return found[0].platform, found[0], ahead
        return PLATFORM_BY_PK.first(pk=platform_id), None, ahead
    platforms, *answers = read_together(PLATFORM_BY_PK.bound(pk=platform_id), *others)
    return (platforms[0] if platforms else None), None, (answers[0] if answers else None)


def _refuse_pending(found: Platform) -> None:
    if not found.is_active:
        raise forbidden(
            "platform_pending",
            gettext_noop(
                "This LMS registered Credbridge, and the registration is awaiting approval by the "
                "Credbridge operator. Launches work once it is approved; ask your LMS "
                "administrator to contact them."
            ),
            detail=f"platform={found.pk}",
        )


def registration_for(platform: Platform) -> Registration:
    key = current_signing_key()
    pem = (
        key.private_key()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    return (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_key_set_url(platform.key_set_url)
        .set_auth_login_url(platform.auth_login_url)
        .set_auth_token_url(platform.auth_token_url)
        .set_auth_audience(platform.auth_audience or platform.auth_token_url)
        .set_tool_private_key(pem)
    )


class DatabaseToolConf(ToolConfAbstract):
    """pylti1p3 ToolConf over Platform/Deployment; always 'many client ids per issuer'
    (Canvas cloud has one issuer for every school)."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        platform = find_platform(issuer=iss, client_id=None)
        return registration_for(platform) if platform else None

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        platform = find_platform(issuer=iss, client_id=client_id)
        return registration_for(platform) if platform else None

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = find_platform(issuer=iss, client_id=client_id)
        if (
            platform
            and Deployment.objects.filter(
                platform=platform, deployment_id=deployment_id, active=True
            ).exists()
        ):
            return PyltiDeployment().set_deployment_id(deployment_id)
        return None
