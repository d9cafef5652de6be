"""Canvas's id_token claims (rebuilt from lib/lti/messages/*.rb): one issuer, `azp`, 1 h
lifetime, literal unexpanded variables, course_navigation resource links."""

from __future__ import annotations

import hashlib
from typing import Any

from .base import LIS2, LTI, MEMBERSHIP, LaunchInput, ags_claim, name_claims

_ROLES = {
    "instructor": [LIS2 + "institution/person#Instructor", MEMBERSHIP + "Instructor"],
    "ta": [MEMBERSHIP + "Instructor", MEMBERSHIP + "Instructor#TeachingAssistant"],
    "learner": [LIS2 + "institution/person#Student", MEMBERSHIP + "Learner"],
    # An account admin launching from a course has no membership role at all.
    "admin": [LIS2 + "institution/person#Administrator"],
}
_ENROLMENT_NAME = {
    "instructor": "TeacherEnrollment",
    "ta": "TaEnrollment",
    "learner": "StudentEnrollment",
    "admin": "",
}


def canvas_claims(flavour, li: LaunchInput) -> dict[str, Any]:
    """The id_token payload, claim by claim as Canvas's jwt_message.rb builds it."""
    p, user, course = li.platform, li.user, li.course
    assignment = li.resource_link is not None and li.message_type == "LtiResourceLinkRequest"
    claims: dict[str, Any] = {
        LTI + "message_type": li.message_type,
        LTI + "version": "1.3.0",
    }
    if li.message_type == "LtiResourceLinkRequest":
        link = li.resource_link
        if assignment and link is not None:  # an assignment launch always has its link
            rl = {
                "id": link.link_id,
                "description": link.description or None,
                "title": link.title,
            }
        else:  # course_navigation: one link per course, id = the context id
            rl = {"id": course.context_id, "description": None, "title": course.title}
        claims[LTI + "resource_link"] = rl
    claims.update(
        {
            "aud": p.client_id,
            "azp": p.client_id,
            LTI + "deployment_id": p.deployment_id,
            "exp": li.iat + flavour.id_token_lifetime,
            "iat": li.iat,
            "iss": p.issuer,
            "nonce": li.nonce,
            "sub": user.sub,
            LTI + "target_link_uri": li.target_link_uri,
            "picture": f"{p.root}/images/messages/avatar-50.png",
        }
    )
    claims.update(name_claims(user))
    claims[LTI + "lis"] = {
        # Canvas sends the unexpanded variable when the user has no SIS id.
        "person_sourcedid": user.sourcedid or "$Person.sourcedId",
        "course_offering_sourcedid": course.sourcedid or "$CourseOffering.sourcedId",
    }
    claims[LTI + "context"] = {
        "id": course.context_id,
        "label": course.label,
        "title": course.title,
        "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
    }
    claims[LTI + "tool_platform"] = {
        "guid": f"{hashlib.sha256(p.slug.encode()).hexdigest()[:40]}:canvas-lms",
        "name": p.name,
        "version": "cloud",
        "product_family_code": "canvas",
    }
    claims[LTI + "launch_presentation"] = {
        "document_target": "iframe",
        "return_url": (
            f"{p.root}/courses/{course.pk}/external_content/success/external_tool_redirect"
        ),
        "locale": user.locale,
        "height": 800,
        "width": 1000,
    }
    claims["locale"] = user.locale
    claims[LTI + "roles"] = sorted(_ROLES[li.role] + [LIS2 + "system/person#User"])
    custom = {
        "canvas_course_id": str(course.pk),
        "canvas_user_id": str(user.pk),
        "canvas_api_domain": p.root.split("://", 1)[-1].split("/", 1)[0],
        "membership_roles": _ENROLMENT_NAME[li.role],
        "sis_user_id": user.sourcedid or "$Canvas.user.sisSourceId",
        "term_end_at": "$Canvas.term.endAt",
    }
    if li.resource_link:
        custom.update(li.resource_link.custom)
    claims[LTI + "custom"] = custom
    ags = ags_claim(li, flavour=flavour)
    if ags:
        if not assignment:
            ags.pop("lineitem", None)  # only assignment launches carry `lineitem`
        claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = ags
    if any("/lti-nrps/" in s for s in p.granted_scopes):
        claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"] = {
            "context_memberships_url": flavour.memberships_url(course),
            "service_versions": ["2.0"],
        }
    claims[LTI + "lti11_legacy_user_id"] = user.legacy_id
    claims[LTI + "lti1p1"] = {"user_id": user.legacy_id}
    if li.message_type == "LtiDeepLinkingRequest":
        claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
            "deep_link_return_url": li.deep_link_return_url,
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "accept_media_types": "application/vnd.ims.lti.v1.ltilink",
            "accept_multiple": True,
            "accept_lineitem": True,
            "auto_create": True,
            "title": p.tool_name,
        }
        claims["https://www.instructure.com/placement"] = "link_selection"
    else:
        claims["https://www.instructure.com/placement"] = (
            None if assignment else "course_navigation"
        )
    return claims
