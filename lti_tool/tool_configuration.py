"""What the tool tells an LMS about itself in an LTI Dynamic Registration request. Pure: a
base URL, the platform's configuration and its adapter in, a dict out. How each LMS wants it
(placements, extensions, a pasted JSON) is the adapter's (lti_tool.platforms)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # the adapters import this module's constants
    from .platforms import PlatformAdapter

TOOL_NAME = "Credbridge"
DESCRIPTION = (
    "Issues Open Badges 3.0 credentials from rubric evidence in the LMS gradebook, "
    "verified against QA-approved rules."
)
SCOPES = (
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
)
CLAIMS = ("iss", "sub", "name", "given_name", "family_name", "email")
TOOL_ID = "credbridge"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"


def tool_urls(base_url: str) -> dict[str, str]:
    base = base_url.rstrip("/")
    return {
        "login": f"{base}/lti/login/",
        "launch": f"{base}/lti/launch/",
        "jwks": f"{base}/lti/jwks.json",
    }


def registration_request(*, base_url: str, platform_config: dict, adapter: PlatformAdapter) -> dict:
    """The client registration POSTed to the platform's registration_endpoint."""
    urls = tool_urls(base_url)
    supported = set(platform_config.get("scopes_supported") or SCOPES)
    scopes = [s for s in SCOPES if s in supported]
    messages: list[dict] = [
        {
            "type": "LtiResourceLinkRequest",
            "target_link_uri": urls["launch"],
            "label": "Credentials",
        },
        {"type": "LtiDeepLinkingRequest", "target_link_uri": urls["launch"], "label": TOOL_NAME},
    ]
    tool_config = adapter.registration_tool_configuration(
        {
            "domain": urlsplit(base_url).netloc,
            "description": DESCRIPTION,
            "target_link_uri": urls["launch"],
            "claims": list(CLAIMS),
            "messages": messages,
        }
    )
    return {
        "application_type": "web",
        "grant_types": ["client_credentials", "implicit"],
        "response_types": ["id_token"],
        "redirect_uris": [urls["launch"]],
        "initiate_login_uri": urls["login"],
        "client_name": TOOL_NAME,
        "jwks_uri": urls["jwks"],
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(scopes),
        TOOL_CONFIG: tool_config,
    }
