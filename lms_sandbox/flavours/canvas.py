"""Canvas's shapes (rebuilt from its source): one issuer for every school, services on the
school host, 1 h id_tokens with azp, the Rails form extras, page/per_page `Link` headers,
the `{"errors": {...}}` envelope and plain-text throttling."""

from __future__ import annotations

import hashlib
import json
import uuid
from urllib.parse import urlencode

import jwt
from django.conf import settings
from django.http import HttpResponse

from ..models import SandboxCourse, SandboxLineItem, SandboxPlatform, SandboxUser
from ..pagination import Window, positive_int
from ..scoring import canvas_decide
from .base import (
    MEMBERSHIP,
    MT_SCORE,
    Flavour,
    LaunchInput,
    with_query,
)
from .canvas_claims import canvas_claims

NRPS_ROLE = {
    "instructor": [MEMBERSHIP + "Instructor"],
    "ta": [MEMBERSHIP + "Instructor", MEMBERSHIP + "Instructor#TeachingAssistant"],
    "learner": [MEMBERSHIP + "Learner"],
}


def hint_secret(p: SandboxPlatform) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:sandbox-hint:{p.slug}".encode()).hexdigest()


class CanvasFlavour(Flavour):
    name = "canvas"
    id_token_lifetime = 3600
    all_or_nothing_scopes = True
    login_method = "post"

    def auth_url(self, p: SandboxPlatform) -> str:
        return f"{p.root}/api/lti/authorize_redirect"

    def token_url(self, p: SandboxPlatform) -> str:
        return f"{p.root}/login/oauth2/token"

    def jwks_url(self, p: SandboxPlatform) -> str:
        return f"{p.root}/api/lti/security/jwks"

    def lineitems_url(self, course: SandboxCourse, query: dict | None = None) -> str:
        return with_query(f"{course.platform.root}/api/lti/courses/{course.pk}/line_items", query)

    def lineitem_url(self, li: SandboxLineItem, suffix: str = "", query: dict | None = None) -> str:
        root = li.course.platform.root
        return with_query(
            f"{root}/api/lti/courses/{li.course_id}/line_items/{li.pk}{suffix}", query
        )

    def memberships_url(self, course: SandboxCourse) -> str:
        return f"{course.platform.root}/api/lti/courses/{course.pk}/names_and_roles"

    def deep_link_return_url(self, course: SandboxCourse, state: str) -> str:
        # Canvas's own state rides in an HS256 `data` JWT the tool must post back unchanged.
        data = jwt.encode(
            {"nonce": state, "modal": True, "placement": "link_selection"},
            hint_secret(course.platform),
            algorithm="HS256",
        )
        return f"{course.platform.root}/courses/{course.pk}/deep_linking_response?data={data}"

    def openid_configuration_url(self, p: SandboxPlatform) -> str:
        return f"{p.root}/api/lti/security/openid-configuration"

    def registration_url(self, p: SandboxPlatform) -> str:
        return f"{p.root}/api/lti/registrations"

    def new_link_id(self, pk: int) -> str:
        return str(uuid.uuid4())

    def login_initiation_fields(self, *, launch, hint_value: str) -> dict:
        p = launch.platform
        host = p.root.split("://", 1)[-1]
        hint = jwt.encode(
            {
                "verifier": hint_value,
                "canvas_domain": host,
                "context_type": "Course",
                "context_id": launch.course.pk,
                "canvas_locale": launch.user.locale,
                "include_storage_target": True,
                "exp": int(launch.created_at.timestamp()) + 300,
            },
            hint_secret(p),
            algorithm="HS256",
        )
        return {
            "iss": p.issuer,
            "login_hint": launch.user.legacy_id,
            "client_id": p.client_id,
            "lti_deployment_id": p.deployment_id,
            "target_link_uri": launch.target_link_uri,
            "lti_message_hint": hint,
            "canvas_environment": "prod",
            "canvas_region": "not_configured",
            "lti_storage_target": "post_message_forwarding",
        }

    def hint_value(self, platform: SandboxPlatform, raw: str) -> str | None:
        try:
            data = jwt.decode(raw, hint_secret(platform), algorithms=["HS256"])
        except jwt.PyJWTError:
            return None
        verifier = data.get("verifier")
        return verifier if isinstance(verifier, str) else None

    def login_hint_for(self, user) -> str:
        return user.legacy_id

    def launch_form_fields(self, *, id_token: str, state: str) -> dict:
        fields = {"id_token": id_token, "state": state}
        return {**self.wrap_form_fields(fields), "lti_storage_target": "post_message_forwarding"}

    def wrap_form_fields(self, fields: dict) -> dict:
        # Rails adds these to every form; the tool must ignore them.
        token = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()
        return {"utf8": "\u2713", "authenticity_token": token, **fields}

    def id_token_claims(self, li: LaunchInput) -> dict:
        return canvas_claims(self, li)

    # -- services -------------------------------------------------------------------
    def error(self, request, status: int, message: str, *, kind: str = "") -> HttpResponse:
        kind = kind or _ERROR_TYPES.get(status, "internal_server_error")
        body = {"errors": {"type": kind, "message": message}}
        return HttpResponse(
            json.dumps(body), status=status, content_type="application/json; charset=utf-8"
        )

    def page_window(self, request, *, kind: str, platform: SandboxPlatform) -> Window:
        cap = 50 if kind == "nrps" else 100
        default = min(platform.page_size or (50 if kind == "nrps" else 10), cap)
        raw = request.GET.get("per_page") or request.GET.get("limit")
        per_page = positive_int(raw, name="per_page", default=default, minimum=1)
        page = positive_int(request.GET.get("page"), name="page", default=1, minimum=1)
        per_page = min(per_page, cap)
        return Window(offset=(page - 1) * per_page, limit=per_page)

    def collection_links(
        self, request, *, kind: str, base: str, window: Window, total: int, loop: bool = False
    ) -> str:
        """current, next, prev, first, last — joined by "," with no space (lib/api.rb)."""
        limit = window.limit or 10
        pages = max(1, -(-total // limit))
        current = window.offset // limit + 1
        dropped = {"page", "per_page"} | ({"limit"} if kind == "nrps" else set())
        params = [(k, v) for k in request.GET if k not in dropped for v in request.GET.getlist(k)]

        def url(page: int) -> str:
            q = sorted([*params, ("page", str(page)), ("per_page", str(limit))])
            return f"<{base}?{urlencode(q)}>"

        parts = [f'{url(current)}; rel="current"']
        if loop:
            parts.append(f'{url(current)}; rel="next"')
        elif current < pages:
            parts.append(f'{url(current + 1)}; rel="next"')
        if current > 1:
            parts.append(f'{url(current - 1)}; rel="prev"')
        parts.append(f'{url(1)}; rel="first"')
        parts.append(f'{url(pages)}; rel="last"')
        return ",".join(parts)

    def throttled(self, request, *, status: int, retry_after: int) -> HttpResponse:
        # Plain text, and no Retry-After: the client must back off on its own. (An injected
        # refusal; the real one comes from the bucket, flavours/canvas_throttle.py, after
        # app/middleware/request_throttle.rb, whose headers every API answer carries.)
        response = HttpResponse(
            CANVAS_THROTTLE_BODY[status], status=status, content_type="text/plain; charset=utf-8"
        )
        response["X-Rate-Limit-Remaining"] = "0.0"
        response["X-Request-Cost"] = "0"
        return response

    def concluded(self, request, *, status: int = 422) -> HttpResponse:
        if status == 404:  # without the ags_improved_course_concluded_response_codes flag
            body = {"errors": [{"message": "The specified resource does not exist."}]}
            return HttpResponse(
                json.dumps(body), status=404, content_type="application/json; charset=utf-8"
            )
        return self.error(
            request,
            422,
            "This course has concluded. AGS requests will no longer be accepted for this course.",
        )

    def find_user(self, platform: SandboxPlatform, raw):
        # Canvas takes the LTI `sub` or its own numeric user id.
        if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()):
            user = SandboxUser.objects.filter(platform=platform, pk=int(raw)).first()
            if user is not None:
                return user
        return super().find_user(platform, raw)

    def decide_score(self, body, *, line_item, is_learner, stored, updated_at):
        return canvas_decide(
            body,
            line_max=line_item.score_maximum,
            is_learner=is_learner,
            published=line_item.published,
            stored=stored,
            updated_at=updated_at,
        )

    def score_refused(self, request, decision) -> HttpResponse:
        if decision.envelope == "model":
            body = {"errors": [{"field": "grade", "message": decision.message, "error_code": None}]}
            return HttpResponse(
                json.dumps(body),
                status=decision.status,
                content_type="application/json; charset=utf-8",
            )
        return self.error(request, decision.status, decision.message)

    def score_accepted(self, result) -> HttpResponse:
        body = {
            "resultUrl": self.lineitem_url(result.line_item, f"/results/{result.pk}"),
            SUBMISSION_EXT: {"content_items": []},
        }
        return HttpResponse(json.dumps(body), status=200, content_type=MT_SCORE + "; charset=utf-8")

    unknown_link_status = 404

    def listed_enrolments(self, enrolments):
        # Departed members simply disappear: no Inactive, no Deleted.
        return enrolments.filter(active=True)

    def container_id(self, base: str, request) -> str:
        query = request.META.get("QUERY_STRING", "")
        return f"{base}?{query}" if query else base

    def foreign_line_item(self, request) -> HttpResponse:
        return self.error(request, 412, "Tool does not have permission to view line_item")

    def refuse_delete(self, li: SandboxLineItem) -> HttpResponse | None:
        # The line item Canvas made for a UI-made assignment ("coupled"): head :unauthorized.
        if not li.created_by_tool:
            return HttpResponse(status=401)
        return None

    def serialize_line_item(self, li: SandboxLineItem, *, request=None) -> dict:
        data = {
            "id": self.lineitem_url(li),
            "scoreMaximum": float(li.score_maximum),
            "label": li.label,
        }
        if li.resource_id:
            data["resourceId"] = li.resource_id
        if li.tag:
            data["tag"] = li.tag
        if li.resource_link is not None:  # what resource_link_id being set means
            data["resourceLinkId"] = li.resource_link.link_id
        if li.start_date_time:
            data["startDateTime"] = li.start_date_time
        if li.end_date_time:
            data["endDateTime"] = li.end_date_time
        data.update(li.extensions or {})
        wants_launch_url = request is not None and "launch_url" in request.GET.getlist("include[]")
        if wants_launch_url and li.resource_link is not None:
            url = li.resource_link.url or li.course.platform.tool_launch_url
            data["https://canvas.instructure.com/lti/launch_url"] = url
        return data

    def serialize_result(self, result) -> dict:
        li = result.line_item
        data = {
            "id": self.lineitem_url(li, f"/results/{result.pk}"),
            "scoreOf": self.lineitem_url(li),
            "userId": result.user.sub,
            "resultScore": float(result.score_given),
            "resultMaximum": float(li.score_maximum),
        }
        if result.comment:
            data["comment"] = result.comment
        if result.extension:
            data[SUBMISSION_EXT] = result.extension
        return data

    def member(self, enrolment, *, message: list | None = None) -> dict:
        user = enrolment.user
        data = {
            "status": "Active",
            "name": user.name,
            "picture": "http://canvas.instructure.com/images/messages/avatar-50.png",
            "given_name": user.given_name,
            "family_name": user.family_name,
            "email": user.email,
        }
        if user.sourcedid:
            data["lis_person_sourcedid"] = user.sourcedid
        data["user_id"] = user.sub
        data["lti11_legacy_user_id"] = user.legacy_id
        data["roles"] = NRPS_ROLE[enrolment.role]
        if message is not None:
            data["message"] = message
        return data

    def role_filter(self, enrolments, role: str):
        # Canvas needs the full URI: a short name ("Learner") matches nobody.
        wanted = [r for r, uris in NRPS_ROLE.items() if role in uris]
        return enrolments.filter(role__in=wanted)


SUBMISSION_EXT = "https://canvas.instructure.com/lti/submission"
CANVAS_THROTTLE_BODY = {
    429: "429 Too Many Requests (Rate Limit Exceeded)\n",
    403: "403 Forbidden (Rate Limit Exceeded)\n",
}
_ERROR_TYPES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    412: "precondition_failed",
    422: "unprocessable_entity",
}
