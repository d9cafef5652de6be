"""Moodle 4.5's shapes, as captured: wwwroot issuer, mod/lti/*.php endpoints, `?type_id=`
service URLs, exact media types, 60 s id_tokens, JSON token answers sent as text/html."""

from __future__ import annotations

import json
import re
import secrets
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render

from ..models import SandboxCourse, SandboxLineItem, SandboxPlatform
from ..pagination import Window, positive_int
from ..scoring import moodle_decide
from . import moodle_paging
from .base import (
    LIS2,
    LTI,
    MEMBERSHIP,
    MT_SCORE,
    Flavour,
    LaunchInput,
    ags_claim,
    name_claims,
    with_query,
)
from .moodle_errors import results_with_limit_error

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
_LAUNCHID = re.compile(r"ltilaunch(\w+_\d+|_\w+?\d+)")


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

    def new_launch_key(self, launch) -> str:
        # mod/lti/locallib.php lti_build_login_request: the key of the launch in $SESSION,
        # 'ltilaunch'.$instance->id.'_'.rand() for an activity, "ltilaunch_$messagetype".rand()
        # for Deep Linking (contentitem.php calls it 'ContentItemSelectionRequest').
        rand = secrets.randbelow(2**31)  # PHP's rand(): 0..getrandmax()
        if launch.resource_link is not None:
            return f"ltilaunch{launch.resource_link.link_id}_{rand}"
        return f"ltilaunch_ContentItemSelectionRequest{rand}"

    def login_initiation_fields(self, *, launch, hint_value: str) -> dict:
        p = launch.platform
        # lti_build_login_request: json_encode(['cmid' => (int), 'launchid' => ...]); no cmid
        # without an activity.
        hint: dict = {}
        if launch.resource_link is not None:
            link_id = launch.resource_link.link_id
            hint["cmid"] = int(link_id) if link_id.isdigit() else link_id
        hint["launchid"] = hint_value
        return {
            "iss": p.issuer,
            "target_link_uri": launch.target_link_uri,
            "login_hint": launch.user.sub,
            "lti_message_hint": json.dumps(hint, separators=(",", ":")),
            "client_id": p.client_id,
            "lti_deployment_id": p.deployment_id,
        }

    def hint_value(self, platform: SandboxPlatform, raw: str) -> str | None:
        try:
            launchid = json.loads(raw).get("launchid", "")
        except (ValueError, AttributeError):
            return None
        if not isinstance(launchid, str) or not _LAUNCHID.fullmatch(launchid):
            return None
        return launchid

    # mod/lti/openid-registration.php reads the token only from the Authorization: Bearer
    # header; without one it answers 401 'missing_registration_token', whatever the query says.
    registration_token_in_query = False

    # mod/lti/auth.php reads $SESSION->$launchid and unset()s it before checking the client id
    # and the login hint, so any answer spends it; a wrong login_hint is 'access_denied'.
    spends_hint_before_checks = True
    wrong_login_hint_error = "access_denied"

    def hint_refused(self, request) -> HttpResponse:
        # auth.php: with the launch id gone from $SESSION there is no tool config, so it throws
        # moodle_exception('invalidrequest', 'error'); core_renderer::fatal_error answers 404
        # with Moodle's error page ("Invalid request", lang/en/error.php).
        return render(
            request, "lms_sandbox/moodle_error.html", {"message": "Invalid request"}, status=404
        )

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
            "locale": user.locale,
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
        slug = request.resolver_match.kwargs.get("slug", "") if request.resolver_match else ""
        body = {
            "status": status,
            "reason": message,
            "request": {
                "method": request.method,
                "url": request.get_full_path().split(f"/sandbox/{slug}", 1)[-1],
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

    def token_error_body(self, error: str, description: str) -> dict:
        return {"error": error}  # Moodle says no more than the OAuth error code

    def check_binding(self, request, platform: SandboxPlatform) -> HttpResponse | None:
        bound = request.resolver_match.kwargs.get("type_id") or request.GET.get("type_id")
        if bound != platform.type_id:
            return self.error(request, 400, "Invalid type_id")
        return None

    def unauthorized(self, request, reason: str) -> HttpResponse:
        return self.error(request, 401, "Unauthorized")  # Moodle never says why

    def check_media_types(self, request, media_type: str) -> HttpResponse | None:
        # mod/lti/services.php picks a resource by exact media type: a GET passes with no
        # Accept, an Accept holding */*, or exactly one of the resource's formats (so
        # `Accept: application/json` → 400 "No handler found"); a POST/PUT needs its
        # Content-Type (before any `;`) to be exactly one of them. DELETE is not checked.
        if request.method in ("GET", "HEAD"):
            header = request.headers.get("Accept", "")
            ok = not header or "*/*" in header or header == media_type
        elif request.method in ("POST", "PUT"):
            header = request.headers.get("Content-Type", "").split(";", 1)[0]
            ok = header == media_type
        else:
            return None
        if not ok:
            path = request.path.split("services.php", 1)[-1]
            return self.error(request, 400, f"No handler found for {path} {header} ")
        return None

    def results_refusal(self, request, *, platform, graded: bool) -> HttpResponse | None:
        # results.php get_json_for_get_request: `limit` with a grade → PHP error → HTML 404.
        limit = positive_int(request.GET.get("limit"), name="limit", default=0) or 0
        if limit > 0 and graded:
            return results_with_limit_error(request, site_name=platform.name)
        return None

    def page_window(self, request, *, kind: str, platform: SandboxPlatform) -> Window:
        return moodle_paging.page_window(request, kind=kind, platform=platform)

    def collection_links(
        self, request, *, kind: str, base: str, window: Window, total: int, loop: bool = False
    ) -> str:
        return moodle_paging.collection_links(
            request, kind=kind, base=base, window=window, total=total, loop=loop
        )

    def throttled(self, request, *, status: int, retry_after: int) -> HttpResponse:
        response = self.error(request, status, "Too Many Requests")
        response["Retry-After"] = str(retry_after)
        return response

    def decide_score(self, body, *, line_item, is_learner, stored, updated_at):
        return moodle_decide(
            body,
            line_max=line_item.score_maximum,
            is_learner=is_learner,
            stored=stored,
            manual_item=line_item.created_by_tool,
        )

    def score_accepted(self, result) -> HttpResponse:
        return HttpResponse(b"", status=200, content_type=MT_SCORE + "; charset=utf-8")

    def created_line_item(self, li: SandboxLineItem, data: dict, *, request=None) -> dict:
        # Moodle echoes the posted body with the new id appended (captured).
        known = (
            "scoreMaximum",
            "label",
            "resourceId",
            "tag",
            "resourceLinkId",
            "ltiLinkId",
            "startDateTime",
            "endDateTime",
        )
        return {**{k: data[k] for k in data if k in known}, "id": self.lineitem_url(li)}

    def serialize_line_item(self, li: SandboxLineItem, *, request=None) -> dict:
        data = {
            "id": self.lineitem_url(li),
            "label": li.label,
            "scoreMaximum": _num(li.score_maximum),
            "resourceId": li.resource_id,
            "tag": li.tag,
        }
        if li.resource_link is not None:  # what resource_link_id being set means
            data["resourceLinkId"] = li.resource_link.link_id
            data["ltiLinkId"] = li.resource_link.link_id
        if li.start_date_time:
            data["startDateTime"] = li.start_date_time
        if li.end_date_time:
            data["endDateTime"] = li.end_date_time
        return data

    def serialize_result(self, result) -> dict:
        li = result.line_item
        data = {
            "id": self.lineitem_url(li, "/results", {"user_id": result.user.sub}),
            "userId": result.user.sub,
            "resultScore": _num(result.score_given),
            "resultMaximum": _num(li.score_maximum),
        }
        if result.comment:
            data["comment"] = result.comment
        data["scoreOf"] = self.lineitem_url(li)
        stamp = result.score_timestamp or result.updated_at
        data["timestamp"] = stamp.replace(microsecond=0).isoformat()
        return data

    def member(self, enrolment, *, message: list | None = None) -> dict:
        user = enrolment.user
        data = {
            "status": "Active" if enrolment.active else "Inactive",
            "roles": NRPS_ROLE[enrolment.role],
        }
        if message is not None:
            data["message"] = message
        data.update(
            {
                "user_id": user.sub,
                "lis_person_sourcedid": user.sourcedid,
                "name": user.name,
                "given_name": user.given_name,
                "family_name": user.family_name,
                "email": user.email,
                "ext_user_username": user.username,
            }
        )
        return data

    def role_filter(self, enrolments, role: str):
        # Moodle accepts the full URI or the short name.
        short = role.rsplit("#", 1)[-1]
        wanted = [r for r, names in NRPS_ROLE.items() if short in names]
        return enrolments.filter(role__in=wanted)


def _num(value):
    """Moodle's JSON numbers: 100, not 100.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value
