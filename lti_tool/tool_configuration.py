"""What the tool tells an LMS about itself: the Canvas developer-key JSON and the LTI Dynamic
Registration request. Pure: a base URL (and the platform's configuration) in, a dict out."""

from __future__ import annotations

from urllib.parse import urlsplit

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
CANVAS = "https://canvas.instructure.com/lti/"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"


def tool_urls(base_url: str) -> dict[str, str]:
    base = base_url.rstrip("/")
    return {
        "login": f"{base}/lti/login/",
        "launch": f"{base}/lti/launch/",
        "jwks": f"{base}/lti/jwks.json",
    }


def canvas_developer_key(*, base_url: str) -> dict:
    """Canvas 'LTI Key > Paste JSON' (or 'Enter URL' with /lti/canvas.json)."""
    urls = tool_urls(base_url)
    domain = urlsplit(base_url).netloc
    return {
        "title": TOOL_NAME,
        "description": DESCRIPTION,
        "oidc_initiation_url": urls["login"],
        "target_link_uri": urls["launch"],
        "public_jwk_url": urls["jwks"],
        "scopes": list(SCOPES),
        "extensions": [
            {
                "domain": domain,
                "tool_id": "credbridge",
                "platform": "canvas.instructure.com",
                "privacy_level": "public",
                "settings": {
                    "text": TOOL_NAME,
                    "placements": [
                        {
                            "placement": "course_navigation",
                            "message_type": "LtiResourceLinkRequest",
                            "text": "Credentials",
                            "target_link_uri": urls["launch"],
                            "default": "enabled",
                            "visibility": "members",
                        },
                        {
                            "placement": "link_selection",
                            "message_type": "LtiDeepLinkingRequest",
                            "text": "Credbridge credential",
                            "target_link_uri": urls["launch"],
                        },
                        {
                            "placement": "assignment_selection",
                            "message_type": "LtiDeepLinkingRequest",
                            "text": "Credbridge credential",
                            "target_link_uri": urls["launch"],
                        },
                    ],
                },
            }
        ],
        "custom_fields": {
            "canvas_course_id": "$Canvas.course.id",
            "course_end_at": "$Canvas.course.endAt",
            "term_end_at": "$Canvas.term.endAt",
        },
    }


def product_family(platform_config: dict) -> str:
    return str((platform_config.get(PLATFORM_CONFIG) or {}).get("product_family_code") or "")


def registration_request(*, base_url: str, platform_config: dict) -> dict:
    """The client registration POSTed to the platform's registration_endpoint."""
    urls = tool_urls(base_url)
    family = product_family(platform_config)
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
    tool_config: dict = {
        "domain": urlsplit(base_url).netloc,
        "description": DESCRIPTION,
        "target_link_uri": urls["launch"],
        "claims": list(CLAIMS),
        "messages": messages,
    }
    if family == "canvas":
        messages[0]["placements"] = [CANVAS + "course_navigation"]
        messages[0][CANVAS + "course_navigation/default_enabled"] = True
        messages[0][CANVAS + "visibility"] = "members"
        messages[1]["placements"] = ["ContentArea", CANVAS + "assignment_selection"]
        tool_config[CANVAS + "privacy_level"] = "public"
        tool_config[CANVAS + "tool_id"] = "credbridge"
        tool_config[CANVAS + "vendor"] = TOOL_NAME
        tool_config["custom_parameters"] = {
            "canvas_course_id": "$Canvas.course.id",
            "course_end_at": "$Canvas.course.endAt",
        }
    else:
        # Moodle reads only the message types; placements are Canvas's vocabulary.
        messages[1]["placements"] = ["ContentArea"]
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
