"""Moodle 4.5's shapes, as captured: wwwroot issuer, mod/lti/*.php endpoints, `?type_id=`
service URLs, exact media types, 60 s id_tokens, JSON token answers sent as text/html."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse

from ..models import SandboxCourse, SandboxLineItem, SandboxPlatform
from .base import (
    LIS2,
    LTI,
    MEMBERSHIP,
    Flavour,
    LaunchInput,
    ags_claim,
    name_claims,
    with_query,
)

_ROLES = {
    "instructor": [MEMBERSHIP + "Instructor"],
    "ta": [MEMBERSHIP + "Instructor", MEMBERSHIP + "Instructor#TeachingAssistant"],
    "learner": [MEMBERSHIP + "Learner"],
    "admin": [
        LIS2 + "institution/person#Administrator",
        MEMBERSHIP + "Instructor",
        LIS2 + "system/person#Administrator",
    ],
}
# NRPS answers with short role names although the id_token carries full URIs.
NRPS_ROLE = {"instructor": ["Instructor"], "ta": ["Instructor"], "learner": ["Learner"]}
# Moodle's gradebook services answer a curly-quoted rel and an HTML-escaped URL; the bytes
# are UTF-8, which a client decoding headers as latin-1 (HTTP's default) sees as mojibake.
_LQ = "\u201c".encode().decode("latin-1")
_RQ = "\u201d".encode().decode("latin-1")


class MoodleFlavour(Flavour):
    name = "moodle"
    id_token_lifetime = 60
    login_method = "post"

    def auth_url(self, p: SandboxPlatform) -> str:
        return f"{p.root}/mod/lti/auth.php"

    def token_url(self, p: SandboxPlatform) -> str:
        return f"{p.root}/mod/lti/token.php"

    def jwks_url(self, p: SandboxPlatform) -> str:
        return f"{p.root}/mod/lti/certs.php"

    def services_root(self, p: SandboxPlatform) -> str:
        return f"{p.root}/mod/lti/services.php"

    def lineitems_url(self, course: SandboxCourse, query: dict | None = None) -> str:
        p = course.platform
        q = {"type_id": p.type_id, **(query or {})}
        return with_query(f"{self.services_root(p)}/{course.pk}/lineitems", q)

    def lineitem_url(self, li: SandboxLineItem, suffix: str = "", query: dict | None = None) -> str:
        # /scores and /results go into the path, before the query string.
        p = li.course.platform
        path = f"{self.services_root(p)}/{li.course_id}/lineitems/{li.pk}/lineitem{suffix}"
        return with_query(path, {"type_id": p.type_id, **(query or {})})

    def memberships_url(self, course: SandboxCourse) -> str:
        p = course.platform
        return f"{self.services_root(p)}/CourseSection/{course.pk}/bindings/{p.type_id}/memberships"

    def deep_link_return_url(self, course: SandboxCourse, state: str) -> str:
        p = course.platform
        q = urlencode({"course": course.pk, "id": p.type_id, "sesskey": state})
        return f"{p.root}/mod/lti/contentitem_return.php?{q}"

    def openid_configuration_url(self, p: SandboxPlatform) -> str:
        return f"{p.root}/mod/lti/openid-configuration.php"

    def registration_url(self, p: SandboxPlatform) -> str:
        return f"{p.root}/mod/lti/openid-registration.php"

    def login_initiation_fields(self, *, launch, hint_value: str) -> dict:
        p = launch.platform
        return {
            "iss": p.issuer,
            "target_link_uri": launch.target_link_uri,
            "login_hint": launch.user.sub,
            "lti_message_hint": json.dumps(
                {
                    "cmid": launch.resource_link.link_id if launch.resource_link else None,
                    "launchid": f"ltilaunch_{hint_value}",
                }
            ),
            "client_id": p.client_id,
            "lti_deployment_id": p.deployment_id,
        }

    def id_token_claims(self, li: LaunchInput) -> dict:
        p, user, course = li.platform, li.user, li.course
        claims = {
            "nonce": li.nonce,
            "iat": li.iat,
            "exp": li.iat + self.id_token_lifetime,
            "iss": p.issuer,
            "aud": p.client_id,
            LTI + "deployment_id": p.deployment_id,
            LTI + "target_link_uri": li.target_link_uri,
            "sub": user.sub,
            LTI + "lis": {
                "person_sourcedid": user.sourcedid,
                "course_section_sourcedid": course.sourcedid,
            },
            LTI + "roles": _ROLES[li.role],
            LTI + "context": {
                "id": course.context_id,
                "label": course.label,
                "title": course.title,
                "type": ["CourseSection"],
            },
            LTI + "message_type": li.message_type,
        }
        if li.resource_link is not None and li.message_type == "LtiResourceLinkRequest":
            claims[LTI + "resource_link"] = {
                "title": li.resource_link.title,
                "description": li.resource_link.description,
                "id": li.resource_link.link_id,
            }
        claims.update(name_claims(user))
        claims[LTI + "ext"] = {"user_username": user.username, "lms": "moodle-2"}
        claims[LTI + "launch_presentation"] = {
            "locale": "en",
            "document_target": "window"
            if li.message_type == "LtiResourceLinkRequest"
            else "iframe",
            "return_url": f"{p.root}/mod/lti/return.php?course={course.pk}&launch_container=4",
        }
        claims[LTI + "tool_platform"] = {
            "product_family_code": "moodle",
            "version": "2024100706",
            "guid": p.slug,
            "name": p.name,
            "description": p.name,
        }
        claims[LTI + "version"] = "1.3.0"
        custom = dict(li.resource_link.custom) if li.resource_link else {}
        custom.setdefault("context_memberships_url", self.memberships_url(course))
        claims[LTI + "custom"] = custom
        ags = ags_claim(li, flavour=self)
        if ags:
            claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = ags
        if any("/lti-nrps/" in s for s in p.granted_scopes):
            claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"] = {
                "context_memberships_url": self.memberships_url(course),
                "service_versions": ["1.0", "2.0"],
            }
        if li.message_type == "LtiDeepLinkingRequest":
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": li.deep_link_return_url,
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["frame", "iframe", "window"],
                "accept_copy_advice": False,
                "accept_multiple": True,
                "accept_unsigned": False,
                "auto_create": False,
                "can_confirm": False,
                "title": p.tool_name,
                "text": "",
            }
        return claims

    # -- services -------------------------------------------------------------------
    def error(self, request, status: int, message: str, *, kind: str = "") -> HttpResponse:
        body = {
            "status": status,
            "reason": message,
            "request": {
                "method": request.method,
                "url": request.get_full_path().split(
                    f"/sandbox/{request.resolver_match.kwargs.get('slug', '')}", 1
                )[-1],
                "accept": request.headers.get("Accept", ""),
                "contentType": request.headers.get("Content-Type", ""),
            },
        }
        return HttpResponse(
            json.dumps(body), status=status, content_type="application/json; charset=utf-8"
        )

    def token_response(self, body: dict, status: int = 200) -> HttpResponse:
        # Observed: Moodle's token.php answers its JSON with Content-Type text/html.
        return HttpResponse(
            json.dumps(body), status=status, content_type="text/html; charset=utf-8"
        )

    def check_accept(self, request, media_type: str) -> HttpResponse | None:
        accept = request.headers.get("Accept", "")
        if request.method in ("GET",) and media_type not in accept:
            return self.error(
                request,
                400,
                f"No handler found for {request.path.split('services.php', 1)[-1]} {accept} ",
            )
        return None

    def hint_value(self, platform: SandboxPlatform, raw: str) -> str | None:
        try:
            launchid = json.loads(raw).get("launchid", "")
        except (ValueError, AttributeError):
            return None
        if not isinstance(launchid, str) or not launchid.startswith("ltilaunch_"):
            return None
        return launchid.removeprefix("ltilaunch_")

    def gradebook_links(
        self, *, base: str, params: dict, limit: int, offset: int, total: int
    ) -> str:
        """lineitems/results: first, canonical, next, last — curly quotes and &amp; as captured."""

        def url(frm: int) -> str:
            q = urlencode({**params, "limit": limit, "from": frm}).replace("&", "&amp;")
            return f"<{base}?{q}>; rel={_LQ}{{rel}}{_RQ}".replace("{rel}", "%s")

        last = max(0, (total - 1) // limit * limit) if total else 0
        parts = [url(0) % "first", url(offset) % "canonical"]
        if offset > 0:
            parts.append(url(max(0, offset - limit)) % "prev")
        if offset + limit < total:
            parts.append(url(offset + limit) % "next")
        parts.append(url(last) % "last")
        return ", ".join(parts)

    def nrps_links(self, *, base: str, limit: int, offset: int, total: int) -> str:
        """Only rel="next", and it drops the role (and rlid) filter: observed in Moodle 4.5."""
        if offset + limit >= total:
            return ""
        return f'<{base}?{urlencode({"limit": limit, "from": offset + limit})}>; rel="next"'


def token_error(error: str, description: str = "") -> HttpResponse:
    body = {"error": error}
    if description:
        body["error_description"] = description
    return HttpResponse(json.dumps(body), status=400, content_type="text/html; charset=utf-8")


__all__ = ["MoodleFlavour", "NRPS_ROLE", "token_error", "JsonResponse"]
