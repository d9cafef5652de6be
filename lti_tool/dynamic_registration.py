"""LTI Dynamic Registration 1.0: read the platform's openid-configuration, register the
tool with it, and record the platform (and its deployment) on our side."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction

from .models import Deployment, Platform
from .tool_configuration import PLATFORM_CONFIG, TOOL_CONFIG, product_family, registration_request

logger = logging.getLogger("credbridge.lti")
TIMEOUT_S = (3.05, 15)
MAX_BYTES = 512 * 1024
FLAVOURS = {"moodle": "moodle", "canvas": "canvas"}


class RegistrationError(Exception):
    """Why a registration failed, in words an LMS administrator can act on."""


@dataclass(frozen=True)
class RegistrationResult:
    platform: Platform
    deployment: Deployment | None
    created: bool


def _check_url(url: str, what: str) -> None:
    parts = urlsplit(url or "")
    insecure_ok = settings.DEBUG or getattr(settings, "LMS_SANDBOX", False)
    if parts.scheme != "https" and not (insecure_ok and parts.scheme == "http"):
        raise RegistrationError(f"The {what} must be an https URL.")
    if not parts.netloc:
        raise RegistrationError(f"The {what} is not a URL.")


def _read_json(response: requests.Response, what: str) -> dict:
    body = response.raw.read(MAX_BYTES + 1, decode_content=True)
    if len(body) > MAX_BYTES:
        raise RegistrationError(f"The platform's {what} is too large.")
    if response.status_code not in (200, 201):
        raise RegistrationError(
            f"The platform answered {response.status_code} to the {what} request: "
            f"{body[:300].decode(errors='replace')}"
        )
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise RegistrationError(f"The platform's {what} is not JSON.") from exc
    if not isinstance(data, dict):
        raise RegistrationError(f"The platform's {what} is not a JSON object.")
    return data


def _auth_headers(token: str) -> dict:
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def fetch_platform_configuration(*, openid_configuration: str, registration_token: str) -> dict:
    _check_url(openid_configuration, "openid_configuration URL")
    try:
        response = requests.get(
            openid_configuration,
            headers=_auth_headers(registration_token),
            timeout=TIMEOUT_S,
            allow_redirects=False,
            stream=True,
        )
    except requests.RequestException as exc:
        raise RegistrationError("The platform's configuration could not be fetched.") from exc
    config = _read_json(response, "openid-configuration")
    issuer = config.get("issuer")
    if not isinstance(issuer, str) or not issuer:
        raise RegistrationError("The platform's configuration names no issuer.")
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"):
        _check_url(config.get(field, ""), field)
    if not _served_by_issuer(openid_configuration, config):
        raise RegistrationError("The configuration URL is not on the platform's issuer.")
    allowed = getattr(settings, "LTI_REGISTRATION_ISSUERS", None)
    if allowed and issuer not in allowed:
        raise RegistrationError("This Credbridge does not accept registrations from this issuer.")
    return config


def _served_by_issuer(openid_configuration: str, config: dict) -> bool:
    """The spec: the configuration URL must start with the issuer, or anyone's server could
    claim to be any LMS. Canvas has one issuer for every school and also serves the
    configuration from each school's host; there the school's host must be the one that
    takes the registration (the trust anchor is the school, not the shared issuer)."""
    if openid_configuration.startswith(config["issuer"].rstrip("/") + "/"):
        return True
    if product_family(config) != "canvas":
        return False
    here = urlsplit(openid_configuration).netloc.lower()
    return here == urlsplit(config["registration_endpoint"]).netloc.lower()


def post_registration(*, config: dict, request_body: dict, registration_token: str) -> dict:
    try:
        response = requests.post(
            config["registration_endpoint"],
            json=request_body,
            headers={**_auth_headers(registration_token), "Content-Type": "application/json"},
            timeout=TIMEOUT_S,
            allow_redirects=False,
            stream=True,
        )
    except requests.RequestException as exc:
        raise RegistrationError("The platform's registration endpoint did not answer.") from exc
    answer = _read_json(response, "registration")
    if not isinstance(answer.get("client_id"), str) or not answer["client_id"]:
        raise RegistrationError("The platform's registration answer carries no client_id.")
    return answer


def register(
    *, openid_configuration: str, registration_token: str, tool_base_url: str
) -> RegistrationResult:
    config = fetch_platform_configuration(
        openid_configuration=openid_configuration, registration_token=registration_token
    )
    answer = post_registration(
        config=config,
        request_body=registration_request(base_url=tool_base_url, platform_config=config),
        registration_token=registration_token,
    )
    return record_registration(config=config, answer=answer)


@transaction.atomic
def record_registration(*, config: dict, answer: dict) -> RegistrationResult:
    flavour = FLAVOURS.get(product_family(config), "generic")
    platform_info = config.get(PLATFORM_CONFIG) or {}
    # Canvas puts deployment_id at the top level; the IMS spec (and Moodle) inside the
    # tool configuration.
    deployment_id = answer.get("deployment_id") or (answer.get(TOOL_CONFIG) or {}).get(
        "deployment_id"
    )
    name = (
        platform_info.get("https://canvas.instructure.com/lti/account_name")
        or f"{product_family(config) or 'LTI'} {urlsplit(config['issuer']).netloc}"
    )
    # Service URLs may live on the host the admin registered from (Canvas: the school's
    # own host), not the issuer's.
    service_hosts = sorted(
        {urlsplit(config["registration_endpoint"]).netloc.lower()}
        | {urlsplit(config["token_endpoint"]).netloc.lower()}
    )
    platform, created = Platform.objects.update_or_create(
        issuer=config["issuer"],
        client_id=answer["client_id"],
        defaults={
            "name": str(name)[:200],
            "flavour": flavour,
            "auth_login_url": config["authorization_endpoint"],
            "auth_token_url": config["token_endpoint"],
            "auth_audience": config["token_endpoint"],
            "key_set_url": config["jwks_uri"],
            "service_hosts": "\n".join(service_hosts),
            # Without a deployment id in the answer (Canvas before its new registrations
            # UI) the first launch brings it: the LMS admin just approved this tool.
            "auto_activate_deployments": not deployment_id,
        },
    )
    deployment = None
    if deployment_id:
        deployment, _ = Deployment.objects.update_or_create(
            platform=platform, deployment_id=str(deployment_id)[:255], defaults={"active": True}
        )
    logger.info(
        "dynamic registration: platform %s (%s, client %s) %s",
        platform.pk,
        platform.issuer,
        platform.client_id,
        "created" if created else "updated",
    )
    return RegistrationResult(platform=platform, deployment=deployment, created=created)
