"""LTI Dynamic Registration, platform side, in each flavour's shape: the registration token,
the openid-configuration, and the registration POST that records the tool.

Canvas signs its registration token with HS256 and puts it in the openid_configuration URL
too; Moodle signs a JWT with its own key whose `sub` is the client id it will assign.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta
from typing import Any, TypeGuard
from urllib.parse import urlencode, urlsplit

import jwt
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import keys, naming
from .flavours import get_flavour
from .flavours.canvas import hint_secret
from .models import ALL_SCOPES, SandboxPlatform, UsedAssertion

TOKEN_LIFETIME = 3600
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"


class RegistrationRefused(Exception):
    def __init__(self, status: int, body: dict | str):
        super().__init__(str(body))
        self.status = status
        self.body = body


# -- registration tokens ------------------------------------------------------------------
def _canvas_token(platform: SandboxPlatform, registration_url: str) -> str:
    now = int(time.time())
    return jwt.encode(
        {
            "uuid": str(uuid.uuid4()),
            "initiated_at": timezone.now().isoformat(),
            "user_id": 1,
            "root_account_global_id": 10_000_000_000_001,
            "root_account_domain": urlsplit(platform.root).netloc,
            "registration_url": registration_url,
            "exp": now + TOKEN_LIFETIME,
        },
        hint_secret(platform),
        algorithm="HS256",
    )


def _moodle_token(platform: SandboxPlatform, registration_url: str) -> str:
    now = int(time.time())
    payload = {
        "sub": naming.moodle_client_id(),
        "scope": "reg",
        "iat": now,
        "exp": now + TOKEN_LIFETIME,
        "jti": str(uuid.uuid4()),
    }
    return keys.sign(platform=platform, payload=payload)


def _read_token(platform: SandboxPlatform, token: str) -> dict | None:
    try:
        if platform.flavour == SandboxPlatform.Flavour.CANVAS:
            data = jwt.decode(token, hint_secret(platform), algorithms=["HS256"])
            return data if data.get("uuid") else None
        key = jwt.PyJWK(platform.public_jwk).key
        data = jwt.decode(token, key, algorithms=["RS256"])
        return data if data.get("scope") == "reg" and data.get("sub") else None
    except jwt.PyJWTError:
        return None


_MAKERS = {"canvas": _canvas_token, "moodle": _moodle_token}


def start_registration(*, platform: SandboxPlatform, registration_url: str) -> str:
    """The URL the LMS opens (in an iframe) to start the tool's registration."""
    parts = urlsplit(registration_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("the registration URL must be an absolute http(s) URL")
    token = _MAKERS[platform.flavour](platform, registration_url)
    config_url = get_flavour(platform).openid_configuration_url(platform)
    if platform.flavour == SandboxPlatform.Flavour.CANVAS:
        config_url += "?" + urlencode({"registration_token": token})
    sep = "&" if parts.query else "?"
    return (
        registration_url
        + sep
        + urlencode({"openid_configuration": config_url, "registration_token": token})
    )


def token_from_request(request, *, query: bool = True) -> str:
    """The registration token from the Bearer header, else (when query) the query string."""
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.GET.get("registration_token", "") if query else ""


# -- openid configuration -------------------------------------------------------------------
def openid_configuration(*, platform: SandboxPlatform, token: str) -> dict:
    if _read_token(platform, token) is None:
        raise RegistrationRefused(401, {"errorMessage": "JWT did not include expected contents"})
    fl = get_flavour(platform)
    config: dict[str, Any] = {
        "issuer": platform.issuer,
        "authorization_endpoint": fl.auth_url(platform),
        "registration_endpoint": fl.registration_url(platform),
        "jwks_uri": fl.jwks_url(platform),
        "token_endpoint": fl.token_url(platform),
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", *ALL_SCOPES],
        "response_types_supported": ["id_token"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
        "subject_types_supported": ["public", "pairwise"],
    }
    if platform.flavour == SandboxPlatform.Flavour.CANVAS:
        config["claims_supported"] += ["picture", "locale"]
        config["subject_types_supported"] = ["public"]
        config["authorization_server"] = urlsplit(platform.root).netloc
        config[PLATFORM_CONFIG] = {
            "product_family_code": "canvas",
            "version": "vCloud",
            "messages_supported": [
                {
                    "type": "LtiResourceLinkRequest",
                    "placements": ["https://canvas.instructure.com/lti/course_navigation"],
                },
                {
                    "type": "LtiDeepLinkingRequest",
                    "placements": [
                        "https://canvas.instructure.com/lti/link_selection",
                        "https://canvas.instructure.com/lti/assignment_selection",
                    ],
                },
            ],
            "variables": [
                "Canvas.course.id",
                "Canvas.user.id",
                "Canvas.term.endAt",
                "Canvas.course.endAt",
                "Person.sourcedId",
            ],
            "https://canvas.instructure.com/lti/account_name": platform.name,
            "https://canvas.instructure.com/lti/account_domain": urlsplit(platform.root).netloc,
        }
    else:
        config[PLATFORM_CONFIG] = {
            "product_family_code": "moodle",
            "version": "4.5.6 (Build: 20250811)",
            "messages_supported": [
                {"type": "LtiResourceLinkRequest"},
                {"type": "LtiDeepLinkingRequest", "placements": ["ContentArea"]},
            ],
            "variables": [
                "basic-lti-launch-request",
                "ContentItemSelectionRequest",
                "ToolProxyRegistrationRequest",
                "Context.id",
                "User.id",
            ],
        }
    return config


# -- the registration POST -----------------------------------------------------------------
def _validate(platform: SandboxPlatform, body) -> list[str]:
    if not isinstance(body, dict):
        return ["the registration must be a JSON object"]
    errors = []
    if body.get("application_type") != "web":
        errors.append("application_type must be 'web'")
    grants = body.get("grant_types") or []
    if not isinstance(grants, list) or not {"client_credentials", "implicit"} <= set(grants):
        errors.append("grant_types must contain client_credentials and implicit")
    if "id_token" not in (body.get("response_types") or []):
        errors.append("response_types must contain id_token")
    uris = body.get("redirect_uris")
    if not isinstance(uris, list) or not uris or not all(_is_url(u) for u in uris):
        errors.append("redirect_uris must be a list of URLs")
    for key in ("initiate_login_uri", "jwks_uri"):
        if not _is_url(body.get(key)):
            errors.append(f"{key} must be a URL")
    if body.get("token_endpoint_auth_method") != "private_key_jwt":
        errors.append("token_endpoint_auth_method must be private_key_jwt")
    if not isinstance(body.get("client_name"), str) or not body.get("client_name"):
        errors.append("client_name is required")
    tool = body.get(TOOL_CONFIG)
    if not isinstance(tool, dict) or not _is_url(tool.get("target_link_uri")):
        errors.append(f"{TOOL_CONFIG}.target_link_uri is required")
    if not isinstance(body.get("scope", ""), str):
        errors.append("scope must be a space-separated string")
    elif platform.flavour == SandboxPlatform.Flavour.CANVAS:
        unknown = [
            s
            for s in body.get("scope", "").split()
            if s != "openid"
            and s not in ALL_SCOPES
            and not s.startswith("https://purl.imsglobal.org/spec/lti/scope/")
        ]
        if unknown:
            errors.append(f"unknown scopes: {' '.join(unknown)}")
    return errors


def _is_url(value: object) -> TypeGuard[str]:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def register_tool(*, platform: SandboxPlatform, token: str, body) -> dict:
    """Record the tool the registration POST describes; returns the LMS's answer."""
    claims = _read_token(platform, token)
    if claims is None:
        raise RegistrationRefused(401, {"errorMessage": "JWT did not include expected contents"})
    errors = _validate(platform, body)
    if errors:
        if platform.flavour == SandboxPlatform.Flavour.CANVAS:
            raise RegistrationRefused(422, {"errors": errors})
        raise RegistrationRefused(400, "; ".join(errors))
    tool = body[TOOL_CONFIG]
    requested = [s for s in body.get("scope", "").split() if s != "openid"]
    deep_link = next(
        (
            m.get("target_link_uri")
            for m in tool.get("messages") or []
            if isinstance(m, dict) and m.get("type") == "LtiDeepLinkingRequest"
        ),
        None,
    )
    is_canvas = platform.flavour == SandboxPlatform.Flavour.CANVAS
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(
                platform=platform,
                jti=f"reg:{claims.get('uuid') or claims.get('jti')}",
                expires_at=timezone.now() + timedelta(seconds=TOKEN_LIFETIME),
            )
            platform.client_id = naming.canvas_client_id() if is_canvas else claims["sub"]
            platform.deployment_id = (
                naming.canvas_deployment_id(platform.pk + 1000)
                if is_canvas
                else str(platform.pk + 1)
            )
            platform.tool_name = body["client_name"][:200]
            platform.tool_login_url = body["initiate_login_uri"]
            platform.tool_redirect_uris = list(body["redirect_uris"])
            platform.tool_launch_url = tool["target_link_uri"]
            platform.tool_deep_link_url = (
                deep_link if _is_url(deep_link) else tool["target_link_uri"]
            )
            platform.tool_jwks_url = body["jwks_uri"]
            platform.granted_scopes = [s for s in requested if s in ALL_SCOPES]
            # Moodle's registration_helper.php registers the tool "preconfigured": not in the
            # activity chooser until an admin says so.
            platform.coursevisible = SandboxPlatform.CourseVisible.PRECONFIGURED
            platform.save()
    except IntegrityError:
        raise RegistrationRefused(
            401, {"errorMessage": "This registration token was already used"}
        ) from None
    answer = {
        "client_id": platform.client_id,
        **{k: v for k, v in body.items() if k != TOOL_CONFIG},
    }
    answer["scope"] = " ".join(platform.granted_scopes)
    tool_answer = dict(tool)
    if is_canvas:
        reg_uri = f"{get_flavour(platform).registration_url(platform)}/{platform.pk}"
        tool_answer["https://canvas.instructure.com/lti/registration_config_url"] = (
            reg_uri + "/view"
        )
        answer[TOOL_CONFIG] = tool_answer
        answer["registration_client_uri"] = reg_uri
        answer["deployment_id"] = platform.deployment_id  # top level: a Canvas quirk
    else:
        tool_answer["deployment_id"] = platform.deployment_id
        tool_answer.setdefault("version", "1.3.0")
        answer[TOOL_CONFIG] = tool_answer
    return answer


def dumps(data) -> str:
    return json.dumps(data)
