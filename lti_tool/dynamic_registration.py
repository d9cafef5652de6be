"""LTI Dynamic Registration 1.0: read the platform's openid-configuration, register the
tool with it, and record a NEW platform (and its deployment) on our side.

A registration is anonymous: it never changes an existing platform, and it is pending until
an operator approves it unless the operator's allowlist names its issuer (ADR 0004)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.db import IntegrityError, transaction

from audit.events import record_event

from . import outbound
from . import registration_policy as policy
from .models import Deployment, Platform
from .platforms import adapter_for_configuration, product_family, registration_token_refusal
from .platforms.base import PlatformAdapter
from .tool_configuration import registration_request

logger = logging.getLogger("credbridge.lti")
# Each of the two calls (configuration, registration) in total, however the platform trickles:
# the administrator waits for them in the LMS's dialog, and a worker must not be held longer.
DEADLINE_S = 10.0
MAX_BYTES = 512 * 1024
MAX_NAME_CHARS = 200
LOG_EXCERPT_CHARS = 300


class RegistrationError(Exception):
    """Why a registration failed, in words an LMS administrator can act on."""


class NameRequired(RegistrationError):
    """The administrator must name the platform (nothing was sent to it yet)."""

    def __init__(self, config: PlatformConfiguration) -> None:
        super().__init__("Give this LMS a name: Credbridge shows it to QA staff and learners.")
        self.config = config


@dataclass(frozen=True)
class PlatformConfiguration:
    """An openid-configuration that passed every check, and the origin that vouched for it."""

    url: str
    data: dict
    vouched_by: str

    @property
    def issuer(self) -> str:
        return self.data["issuer"]

    @property
    def adapter(self) -> PlatformAdapter:
        """The adapter of the LMS being registered, from its declared product family."""
        return adapter_for_configuration(self.data)

    def suggested_name(self) -> str:
        """A name the administrator can keep: the name the LMS gives its installation, else
        its host name (never a bare address: there the administrator must type one)."""
        account = self.adapter.account_name(self.data)
        if account:
            return clean_name(account)
        host = urlsplit(self.issuer).hostname or ""
        if not host or host == "localhost" or host.replace(".", "").isdigit() or ":" in host:
            return ""
        family = product_family(self.data).strip().title()
        return clean_name(f"{family} ({host})" if family else host)


@dataclass(frozen=True)
class RegistrationResult:
    platform: Platform
    deployment: Deployment | None
    config: PlatformConfiguration


def clean_name(name: str) -> str:
    """The administrator's name for the platform: printable, one line, bounded."""
    return " ".join("".join(c for c in str(name) if c.isprintable()).split())[:MAX_NAME_CHARS]


def without_query(url: str) -> str:
    """A URL fit for logs and the database: Canvas puts the registration token in the
    configuration URL's query."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}{parts.path}"[:500]


def _check_url(url: str, what: str) -> None:
    problem = policy.url_problem(url)
    if problem:
        raise RegistrationError(f"The {what} {problem}.")


def _excerpt(body: bytes) -> str:
    # For the server log only: bounded and on one line, so a platform cannot forge log lines.
    text = body[:LOG_EXCERPT_CHARS].decode(errors="replace")
    return "".join(c if c.isprintable() else " " for c in text)


def _call(method: str, url: str, *, what: str, **kwargs) -> requests.Response:
    """One bounded call (lti_tool.outbound: total deadline, size cap, no redirects) to the
    platform being registered, and only to it."""
    try:
        return outbound.fetch(
            method,
            url,
            allowed_hosts=[outbound.host_key(url)],
            private_ok=policy.private_kinds_allowed(url),
            deadline_s=DEADLINE_S,
            max_bytes=MAX_BYTES,
            **kwargs,
        )
    except outbound.DeadlineExceeded as exc:
        raise RegistrationError(
            f"The platform did not answer the {what} request within {DEADLINE_S:g} seconds."
        ) from exc
    except outbound.TooLarge as exc:
        raise RegistrationError(f"The platform's {what} answer is too large.") from exc
    except outbound.NotAllowed as exc:
        logger.warning("dynamic registration: %s refused: %s", policy.origin(url), exc)
        raise RegistrationError(
            f"Credbridge may not call the platform's {what} URL: {exc} Platforms on loopback "
            "or private networks need the operator setting LTI_PRIVATE_NETWORK_PLATFORMS."
        ) from exc
    except outbound.OutboundError as exc:
        raise RegistrationError(
            f"The platform's {what} could not be fetched ({policy.origin(url)})."
        ) from exc


def _read_json(response: requests.Response, what: str) -> dict:
    body = response.content
    if response.status_code not in (200, 201):
        # The body is the platform's (or an impostor's) text: logged, never shown.
        logger.warning(
            "dynamic registration: %s answered %s to the %s request: %s",
            policy.origin(response.url),
            response.status_code,
            what,
            _excerpt(body),
        )
        raise RegistrationError(
            f"The platform answered HTTP {response.status_code} to the {what} request. "
            "Start the registration again from your LMS (its registration token may have "
            "expired); if it keeps failing, the Credbridge operator finds the platform's "
            "answer in the server log."
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


def refuse_update_request(registration_token: str) -> None:
    """Refuse a registration token that asks to change a tool the LMS already has (Moodle's
    "Update": lti_tool.platforms.moodle), before anything is read from or sent to the LMS."""
    refusal = registration_token_refusal(registration_token)
    if refusal:
        raise RegistrationError(refusal)


def fetch_platform_configuration(
    *, openid_configuration: str, registration_token: str
) -> PlatformConfiguration:
    _check_url(openid_configuration, "openid_configuration URL")
    refuse_update_request(registration_token)
    response = _call(
        "GET",
        openid_configuration,
        what="openid-configuration",
        headers=_auth_headers(registration_token),
    )
    config = _read_json(response, "openid-configuration")
    issuer = config.get("issuer")
    if not isinstance(issuer, str) or not issuer or len(issuer) > 500:
        raise RegistrationError("The platform's configuration names no issuer.")
    _check_url(issuer, "issuer")
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"):
        value = config.get(field, "")
        if not isinstance(value, str) or len(value) > 500:
            raise RegistrationError(f"The platform's {field} is not a URL.")
        _check_url(value, field)
    vouched_by = policy.vouching_origin(openid_configuration=openid_configuration, config=config)
    if not vouched_by:
        raise RegistrationError("The configuration URL is not on the platform's issuer.")
    if not policy.may_register(issuer=issuer, vouched_by=vouched_by):
        raise RegistrationError(
            "This Credbridge does not accept registrations from this platform. Ask its "
            "operator to add the platform's issuer to LTI_REGISTRATION_ISSUERS, or to "
            "register it by hand."
        )
    return PlatformConfiguration(url=openid_configuration, data=config, vouched_by=vouched_by)


def post_registration(
    *, config: PlatformConfiguration, request_body: dict, registration_token: str
) -> dict:
    response = _call(
        "POST",
        config.data["registration_endpoint"],
        what="registration",
        json=request_body,
        headers={**_auth_headers(registration_token), "Content-Type": "application/json"},
    )
    answer = _read_json(response, "registration")
    client_id = answer.get("client_id")
    if not isinstance(client_id, str) or not client_id or len(client_id) > 255:
        raise RegistrationError("The platform's registration answer carries no client_id.")
    return answer


def register(
    *, openid_configuration: str, registration_token: str, tool_base_url: str, name: str = ""
) -> RegistrationResult:
    config = fetch_platform_configuration(
        openid_configuration=openid_configuration, registration_token=registration_token
    )
    # Before anything is sent: the name is the administrator's (or an unmistakable default),
    # never made up from a bare address.
    name = clean_name(name) or config.suggested_name()
    if not name:
        raise NameRequired(config)
    answer = post_registration(
        config=config,
        request_body=registration_request(
            base_url=tool_base_url, platform_config=config.data, adapter=config.adapter
        ),
        registration_token=registration_token,
    )
    return record_registration(config=config, answer=answer, name=name)


def _already_registered(config: PlatformConfiguration, client_id: str) -> RegistrationError:
    logger.warning(
        "dynamic registration refused: %s (client %s) is already registered; read from %s",
        config.issuer,
        client_id,
        without_query(config.url),
    )
    return RegistrationError(
        f"Credbridge already has a registration for this platform (issuer {config.issuer}, "
        f"client id {client_id}). A dynamic registration never changes an existing one, so "
        "nothing was changed here. To change it, ask the Credbridge operator (Django admin or "
        "`manage.py register_platform --update`)."
    )


def record_registration(
    *, config: PlatformConfiguration, answer: dict, name: str = ""
) -> RegistrationResult:
    data = config.data
    client_id = answer["client_id"]
    adapter = config.adapter
    deployment_id = adapter.registration_deployment_id(answer)
    active = policy.starts_active(issuer=config.issuer, vouched_by=config.vouched_by)
    # Service URLs may live on the host the admin registered from (Canvas: the school's
    # own host), not the issuer's.
    service_hosts = sorted(
        {urlsplit(data["registration_endpoint"]).netloc.lower()}
        | {urlsplit(data["token_endpoint"]).netloc.lower()}
    )
    try:
        with transaction.atomic():
            if Platform.objects.filter(issuer=config.issuer, client_id=client_id).exists():
                raise _already_registered(config, client_id)
            platform = Platform.objects.create(
                issuer=config.issuer,
                client_id=client_id,
                name=clean_name(name) or config.suggested_name() or config.issuer[:200],
                flavour=adapter.flavour,
                auth_login_url=data["authorization_endpoint"],
                auth_token_url=data["token_endpoint"],
                auth_audience=data["token_endpoint"],
                key_set_url=data["jwks_uri"],
                service_hosts="\n".join(service_hosts),
                # Without a deployment id in the answer the first launch brings it: the LMS
                # admin just approved this tool.
                auto_activate_deployments=not deployment_id,
                status=Platform.Status.ACTIVE if active else Platform.Status.PENDING,
                registered_via="dynamic",
                registered_from=without_query(config.url),
            )
            deployment = (
                Deployment.objects.create(platform=platform, deployment_id=deployment_id)
                if deployment_id
                else None
            )
            # The LMS administrator is known here only by the registration they started.
            record_event(
                actor=f"dynamic-registration:{urlsplit(config.url).netloc}"[:300],
                action="platform.registered",
                object_type="lti_tool.Platform",
                object_id=str(platform.pk),
                after={
                    "issuer": platform.issuer,
                    "client_id": platform.client_id,
                    "flavour": platform.flavour,
                    "status": platform.status,
                    "deployment_id": deployment_id,
                    "registered_from": platform.registered_from,
                },
                platform_id=platform.pk,
            )
    except IntegrityError:  # the same registration, recorded by a concurrent request
        raise _already_registered(config, client_id) from None
    logger.info(
        "dynamic registration: platform %s (%s, client %s) created %s, read from %s",
        platform.pk,
        platform.issuer,
        platform.client_id,
        platform.status,
        without_query(config.url),
    )
    return RegistrationResult(platform=platform, deployment=deployment, config=config)
