"""Record what a verified launch tells us about the course and the person."""

from django.db import transaction
from django.utils import timezone

from lti_tool.models import Platform
from lti_tool.platforms import get_adapter

from .models import Course, Enrolment, Learner

AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"
DEPLOYMENT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
LIS_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/lis"


def _text(value: object, limit: int) -> str:
    """Stored text: absent is empty, NUL (which PostgreSQL cannot store) is dropped."""
    return "" if value is None else str(value).replace("\x00", "")[:limit]


@transaction.atomic
def record_launch(
    *, platform: Platform, claims: dict, roles: list[str]
) -> tuple[Course | None, Learner]:
    """Upsert the course, the person and their enrolment from a verified id_token's claims.

    `claims` must come from a verified id_token whose claim types were checked
    (lti_tool.launch_claims): the service URLs stored here are used later without a launch in
    hand. Text is stored NUL-free and cut to its column whatever the caller did.
    """
    learner, _ = Learner.objects.update_or_create(
        platform=platform,
        sub=str(claims["sub"]),
        defaults={
            "name": _text(claims.get("name"), 500),
            "given_name": _text(claims.get("given_name"), 255),
            "family_name": _text(claims.get("family_name"), 255),
            "email": _text(claims.get("email"), 320),
            # As the roster stores it: an LMS may send the variable itself when it has no value.
            "lis_person_sourcedid": _text(
                get_adapter(platform).substituted(
                    (claims.get(LIS_CLAIM) or {}).get("person_sourcedid")
                ),
                255,
            ),
        },
    )
    context = claims.get(CONTEXT_CLAIM) or {}
    if not context.get("id"):
        return None, learner
    ags = claims.get(AGS_CLAIM) or {}
    nrps = claims.get(NRPS_CLAIM) or {}
    defaults = {
        "title": _text(context.get("title"), 500),
        "label": _text(context.get("label"), 255),
        "deployment_id": str(claims.get(DEPLOYMENT_CLAIM, "")),
        "last_launch_at": timezone.now(),
    }
    if ags.get("lineitems"):
        defaults["lineitems_url"] = ags["lineitems"]
        defaults["ags_scopes"] = list(ags.get("scope") or [])
    if nrps.get("context_memberships_url"):
        defaults["memberships_url"] = nrps["context_memberships_url"]
    course, _ = Course.objects.update_or_create(
        platform=platform, context_id=str(context["id"]), defaults=defaults
    )
    Enrolment.objects.update_or_create(
        course=course, learner=learner, defaults={"roles": sorted(roles), "active": True}
    )
    return course, learner
