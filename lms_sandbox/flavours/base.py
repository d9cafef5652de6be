"""What every flavour provides; shared claim pieces live here too."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse

from ..models import (
    SandboxCourse,
    SandboxLineItem,
    SandboxPlatform,
    SandboxResourceLink,
    SandboxUser,
)

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
LIS2 = "http://purl.imsglobal.org/vocab/lis/v2/"
MEMBERSHIP = LIS2 + "membership#"

MT_LINEITEMS = "application/vnd.ims.lis.v2.lineitemcontainer+json"
MT_LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
MT_RESULTS = "application/vnd.ims.lis.v2.resultcontainer+json"
MT_SCORE = "application/vnd.ims.lis.v1.score+json"
MT_MEMBERSHIPS = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


@dataclass(frozen=True)
class LaunchInput:
    """Everything an id_token is built from (plain data the views gather)."""

    platform: SandboxPlatform
    user: SandboxUser
    course: SandboxCourse
    role: str  # instructor | ta | learner | admin
    resource_link: SandboxResourceLink | None
    line_items: tuple[SandboxLineItem, ...]  # the resource link's line items
    message_type: str
    target_link_uri: str
    nonce: str
    iat: int
    deep_link_return_url: str = ""


class Flavour:
    name = ""
    id_token_lifetime = 60
    all_or_nothing_scopes = False
    login_method = "post"

    # -- URLs -------------------------------------------------------------------
    def auth_url(self, p: SandboxPlatform) -> str:
        raise NotImplementedError

    def token_url(self, p: SandboxPlatform) -> str:
        raise NotImplementedError

    def jwks_url(self, p: SandboxPlatform) -> str:
        raise NotImplementedError

    def lineitems_url(self, course: SandboxCourse, query: dict | None = None) -> str:
        raise NotImplementedError

    def lineitem_url(self, li: SandboxLineItem, suffix: str = "", query: dict | None = None) -> str:
        raise NotImplementedError

    def memberships_url(self, course: SandboxCourse) -> str:
        raise NotImplementedError

    def deep_link_return_url(self, course: SandboxCourse, state: str) -> str:
        raise NotImplementedError

    def openid_configuration_url(self, p: SandboxPlatform) -> str:
        raise NotImplementedError

    def registration_url(self, p: SandboxPlatform) -> str:
        raise NotImplementedError

    def new_link_id(self, pk: int) -> str:
        """A resource link's id: Moodle's instance id, Canvas's resource_link_uuid."""
        return str(pk)

    # -- launch -------------------------------------------------------------------
    def new_launch_key(self, launch) -> str:
        """What this launch's lti_message_hint will name (PendingLaunch.launch_key)."""
        return str(launch.hint)

    def login_initiation_fields(self, *, launch, hint_value: str) -> dict:
        raise NotImplementedError

    # Whether the registration POST also takes the token from a ?registration_token= query
    # parameter; otherwise only from the Authorization: Bearer header.
    registration_token_in_query = True

    # Moodle spends the hint as soon as auth.php has read it, even when a later check fails.
    spends_hint_before_checks = False
    wrong_login_hint_error = "login_required"

    def hint_refused(self, request) -> HttpResponse | None:
        """The answer to an unknown, expired or spent hint; None: post the OIDC error back."""
        return None

    def id_token_claims(self, li: LaunchInput) -> dict:
        raise NotImplementedError

    def launch_form_fields(self, *, id_token: str, state: str) -> dict:
        return self.wrap_form_fields({"id_token": id_token, "state": state})

    def wrap_form_fields(self, fields: dict) -> dict:
        """Extra fields the LMS's own form framework adds to every form it posts."""
        return fields

    # -- services -------------------------------------------------------------------
    def error(self, request, status: int, message: str, *, kind: str = "") -> HttpResponse:
        raise NotImplementedError

    def token_response(self, body: dict, status: int = 200) -> HttpResponse:
        return JsonResponse(body, status=status)

    def token_error_body(self, error: str, description: str) -> dict:
        return {"error": error, "error_description": description}

    def hint_value(self, platform: SandboxPlatform, raw: str) -> str | None:
        """The pending-launch id inside an lti_message_hint, or None when it is not ours."""
        raise NotImplementedError

    def login_hint_for(self, user: SandboxUser) -> str:
        return user.sub

    def check_binding(self, request, platform: SandboxPlatform) -> HttpResponse | None:
        """None when the service URL belongs to this platform's tool binding."""
        return None

    def unauthorized(self, request, reason: str) -> HttpResponse:
        return self.error(request, 401, reason)

    def check_media_types(self, request, media_type: str) -> HttpResponse | None:
        """None when Accept (reads) / Content-Type (writes) are acceptable, else the error."""
        return None

    def results_refusal(self, request, *, platform, graded: bool) -> HttpResponse | None:
        """The LMS's own failure for a results read, before any paging (None: it answers).
        `graded`: the line item has a stored grade row (of the requested user, if any)."""
        return None

    def page_window(self, request, *, kind: str, platform: SandboxPlatform):
        """The pagination.Window a request asks for (kind: lineitems, results, nrps)."""
        raise NotImplementedError

    def collection_links(
        self, request, *, kind: str, base: str, window, total: int, loop: bool = False
    ) -> str:
        """The Link header of one page ('' for none). `loop`: next points at this page."""
        raise NotImplementedError

    def throttled(self, request, *, status: int, retry_after: int) -> HttpResponse:
        raise NotImplementedError

    def concluded(self, request, *, status: int = 422) -> HttpResponse:
        return self.error(request, status, "This course has concluded.")

    def decorate(self, response: HttpResponse) -> HttpResponse:
        """Headers the LMS adds to every service response."""
        return response

    def find_user(self, platform: SandboxPlatform, raw) -> SandboxUser | None:
        """The user a service request names (the launch `sub`)."""
        if not isinstance(raw, str) or not raw:
            return None
        return SandboxUser.objects.filter(platform=platform, sub=raw).first()

    def decide_score(
        self, body, *, line_item: SandboxLineItem, is_learner: bool, stored, updated_at
    ):
        raise NotImplementedError

    def score_refused(self, request, decision) -> HttpResponse:
        return self.error(request, decision.status, decision.message)

    def score_accepted(self, result) -> HttpResponse:
        raise NotImplementedError

    unknown_link_status = 400

    def created_line_item(self, li: SandboxLineItem, data: dict, *, request=None) -> dict:
        """The body answering a line item POST or PUT."""
        return self.serialize_line_item(li, request=request)

    def foreign_line_item(self, request) -> HttpResponse:
        """Direct access to another tool's line item."""
        return self.error(request, 404, "The specified resource does not exist.")

    def refuse_delete(self, li: SandboxLineItem) -> HttpResponse | None:
        return None

    def listed_enrolments(self, enrolments):
        """Which enrolments NRPS lists (Canvas: active ones only)."""
        return enrolments

    def container_id(self, base: str, request) -> str:
        return base

    def serialize_line_item(self, li: SandboxLineItem, *, request=None) -> dict:
        raise NotImplementedError

    def serialize_result(self, result) -> dict:
        raise NotImplementedError

    def member(self, enrolment, *, message: list | None = None) -> dict:
        raise NotImplementedError

    def role_filter(self, enrolments, role: str):
        raise NotImplementedError


def json_response(data, *, media_type: str, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(data), status=status, content_type=f"{media_type}; charset=utf-8"
    )


def with_query(url: str, query: dict | None) -> str:
    if not query:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode(query)}"


def name_claims(user: SandboxUser) -> dict:
    return {
        "given_name": user.given_name,
        "family_name": user.family_name,
        "name": user.name,
        "email": user.email,
    }


def ags_claim(li: LaunchInput, *, flavour: Flavour) -> dict | None:
    scopes = [s for s in li.platform.granted_scopes if "/lti-ags/" in s]
    if not scopes:
        return None
    claim = {"scope": scopes, "lineitems": flavour.lineitems_url(li.course)}
    # Moodle drops the `lineitem` claim once a link has more than one line item.
    if len(li.line_items) == 1:
        claim["lineitem"] = flavour.lineitem_url(li.line_items[0])
    return claim
