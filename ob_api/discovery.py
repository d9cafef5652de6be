"""The Service Description Document (OB 3.0 §6.3): an OpenAPI 3.0 document naming this
Provider's endpoints, its OAuth 2.0 authorization code flow and the scopes it grants."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from credentials.models import public_base_url

from .scopes import CREDENTIAL_READONLY, PROFILE_READONLY

API_PATH = "/ims/ob/v3p0"
IMSX_REF = {"$ref": "#/components/schemas/Imsx_StatusInfo"}
SCHEMA_BASE = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
SCOPE_DESCRIPTIONS = {
    CREDENTIAL_READONLY: "Permission to read the learner's OpenBadgeCredentials.",
    PROFILE_READONLY: "Permission to read the learner's profile.",
}


def privacy_policy_url() -> str:
    return settings.OB_API_PRIVACY_POLICY_URL or f"{public_base_url()}{API_PATH}/privacy"


def terms_of_service_url() -> str:
    return settings.OB_API_TERMS_OF_SERVICE_URL or privacy_policy_url()


def _errors(*statuses: int) -> dict[str, Any]:
    content = {"application/json": {"schema": IMSX_REF}}
    answers: dict[str, Any] = {
        str(s): {"description": "Imsx_StatusInfo", "content": content} for s in statuses
    }
    answers["default"] = {"description": "Imsx_StatusInfo", "content": content}
    return answers


def service_description(*, name: str) -> dict[str, Any]:
    base = public_base_url()
    api = base + API_PATH
    security = [{"OAuth2ACG": [CREDENTIAL_READONLY]}]
    return {
        "openapi": "3.0.1",
        "info": {
            "title": "Open Badges API",
            "description": f"The Open Badges 3.0 API of {name} (Provider role, read only).",
            "version": "3.0",
            "termsOfService": terms_of_service_url(),
            "x-imssf-privacyPolicyUrl": privacy_policy_url(),
        },
        "servers": [{"url": api, "description": name}],
        "paths": {
            "/credentials": {
                "get": {
                    "operationId": "getCredentials",
                    "security": security,
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1},
                        },
                        {
                            "name": "offset",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 0},
                        },
                        {
                            "name": "since",
                            "in": "query",
                            "schema": {"type": "string", "format": "date-time"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "GetOpenBadgeCredentialsResponse",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "$ref": SCHEMA_BASE
                                        + "ob_v3p0_getopenbadgecredentialsresponse_schema.json"
                                    }
                                }
                            },
                        },
                        **_errors(400, 401, 403, 405, 500),
                    },
                }
            },
            "/profile": {
                "get": {
                    "operationId": "getProfile",
                    "security": [{"OAuth2ACG": [PROFILE_READONLY]}],
                    "responses": {
                        "200": {
                            "description": "Profile",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": SCHEMA_BASE + "ob_v3p0_profile_schema.json"}
                                }
                            },
                        },
                        **_errors(400, 401, 403, 404, 405, 500),
                    },
                }
            },
            "/discovery": {
                "get": {
                    "operationId": "getServiceDescription",
                    "responses": {"200": {"description": "This document"}, **_errors()},
                }
            },
        },
        "components": {
            "securitySchemes": {
                "OAuth2ACG": {
                    "type": "oauth2",
                    "description": "OAuth 2.0 Authorization Code Grant with PKCE (S256)",
                    "x-imssf-name": name,
                    "x-imssf-privacyPolicyUrl": privacy_policy_url(),
                    "x-imssf-registrationUrl": api + "/register",
                    "x-imssf-termsOfServiceUrl": terms_of_service_url(),
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": api + "/authorize",
                            "tokenUrl": api + "/token",
                            "refreshUrl": api + "/token",
                            "scopes": SCOPE_DESCRIPTIONS,
                        }
                    },
                }
            },
            "schemas": {
                "Imsx_StatusInfo": {"$ref": SCHEMA_BASE + "ob_v3p0_imsx_statusinfo_schema.json"}
            },
        },
    }
