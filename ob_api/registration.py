"""Dynamic client registration (RFC 7591) as OB 3.0 §7 profiles it: a backpack sends its
metadata and redirect URIs, and gets a confidential client (client_secret_basic) for the
authorization code grant. The client secret is shown once and stored hashed by the library.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from oauth2_provider.models import get_application_model

from audit.events import record_event

from .models import RegisteredClient
from .scopes import SUPPORTED

REQUIRED_URIS = ("client_uri", "logo_uri", "tos_uri", "policy_uri")
REQUIRED_TEXT = ("client_name", "software_id", "software_version")
MAX_REDIRECT_URIS = 10
MAX_URI = 2000
AUTH_METHOD = "client_secret_basic"
GRANT_TYPES = ("authorization_code", "refresh_token")


class RegistrationError(ValueError):
    """RFC 7591 §3.2.2: `error` is invalid_redirect_uri or invalid_client_metadata."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class Registered:
    client: RegisteredClient
    client_id: str
    client_secret: str  # only here, once: the database keeps a hash
    response: dict[str, Any]


def _https_url(value: object, field: str, *, error: str = "invalid_client_metadata") -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_URI:
        raise RegistrationError(error, f"{field} must be an https URL.")
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or parts.fragment:
        raise RegistrationError(error, f"{field} must be an https URL without a fragment.")
    return value


def _text(value: object, field: str, limit: int = 255) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise RegistrationError("invalid_client_metadata", f"{field} is required (text).")
    return value.strip()


def _check_lists(body: dict[str, Any]) -> None:
    method = body.get("token_endpoint_auth_method", AUTH_METHOD)
    if method != AUTH_METHOD:
        raise RegistrationError(
            "invalid_client_metadata", "token_endpoint_auth_method must be client_secret_basic."
        )
    grants = body.get("grant_types", list(GRANT_TYPES))
    if not isinstance(grants, list) or "authorization_code" not in grants:
        raise RegistrationError(
            "invalid_client_metadata", "grant_types must include authorization_code."
        )
    if not set(grants) <= set(GRANT_TYPES):
        raise RegistrationError(
            "invalid_client_metadata", "Only authorization_code and refresh_token are offered."
        )
    responses = body.get("response_types", ["code"])
    if responses != ["code"]:
        raise RegistrationError("invalid_client_metadata", 'response_types must be ["code"].')


def clean_metadata(body: object) -> dict[str, Any]:
    """The registration request, checked; the scope narrowed to the scopes offered here."""
    if not isinstance(body, dict):
        raise RegistrationError("invalid_client_metadata", "The body must be a JSON object.")
    redirect_uris = body.get("redirect_uris")
    if not isinstance(redirect_uris, list) or not 0 < len(redirect_uris) <= MAX_REDIRECT_URIS:
        raise RegistrationError(
            "invalid_redirect_uri", f"redirect_uris must list 1 to {MAX_REDIRECT_URIS} URLs."
        )
    uris = [_https_url(u, "redirect_uris", error="invalid_redirect_uri") for u in redirect_uris]
    if any(" " in u for u in uris):
        raise RegistrationError("invalid_redirect_uri", "A redirect URI cannot hold a space.")
    _check_lists(body)
    scope = body.get("scope")
    if not isinstance(scope, str):
        raise RegistrationError("invalid_client_metadata", "scope is required.")
    granted = [s for s in SUPPORTED if s in scope.split()]
    if not granted:
        raise RegistrationError(
            "invalid_client_metadata",
            "None of the requested scopes is offered: " + " ".join(SUPPORTED),
        )
    cleaned: dict[str, Any] = {f: _https_url(body.get(f), f) for f in REQUIRED_URIS}
    cleaned.update({f: _text(body.get(f), f) for f in REQUIRED_TEXT})
    cleaned["client_name"] = _text(body.get("client_name"), "client_name", 255)
    cleaned["redirect_uris"] = uris
    cleaned["scope"] = " ".join(granted)
    return cleaned


def register_client(*, body: object, remote_addr: str) -> Registered:
    """Create the client and its audit entry in one transaction."""
    meta = clean_metadata(body)
    secret = secrets.token_urlsafe(40)
    application_model = get_application_model()
    with transaction.atomic():
        application = application_model.objects.create(
            name=meta["client_name"],
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(meta["redirect_uris"]),
            client_secret=secret,
            skip_authorization=False,
        )
        client = RegisteredClient.objects.create(
            application=application,
            client_uri=meta["client_uri"],
            logo_uri=meta["logo_uri"],
            tos_uri=meta["tos_uri"],
            policy_uri=meta["policy_uri"],
            software_id=meta["software_id"],
            software_version=meta["software_version"],
            scope=meta["scope"],
        )
        record_event(
            actor=f"client:{application.client_id}",
            action="ob_api.client_registered",
            object_type="oauth2_provider.Application",
            object_id=str(application.pk),
            after={
                "client_name": meta["client_name"],
                "client_uri": meta["client_uri"],
                "redirect_uris": meta["redirect_uris"],
                "scope": meta["scope"],
                "software_id": meta["software_id"],
                "remote_addr": remote_addr,
            },
        )
    response = {
        "client_id": application.client_id,
        "client_secret": secret,
        "client_id_issued_at": int(client.registered_at.timestamp()),
        "client_secret_expires_at": 0,
        **meta,
        "token_endpoint_auth_method": AUTH_METHOD,
        "grant_types": list(GRANT_TYPES),
        "response_types": ["code"],
    }
    return Registered(client, application.client_id, secret, response)
