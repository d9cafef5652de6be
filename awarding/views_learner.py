"""The learner's home inside the LMS: progress per credential, earned credentials, sharing.

A learner sees only their own records: the learner comes from the verified launch, and
every award looked up by id must belong to that learner in the launch's course.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.models import Course, Learner

from . import views_grid
from .badge_image import badge_data_uri
from .forms import PrivacyForm
from .models import Award, AwardingRule, Decision, Notification
from .rules import active_version
from .views_access import learner_required
from .views_instructor import launch_actor, rule_columns
from .views_share import share_links, stored_credential


def _home(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('awarding:learner_home')}?lt={request.lti_launch.token}")


def achievement_image_url(achievement) -> str:
    """The uploaded image, or the same generated badge the credential carries."""
    if achievement.image:
        return achievement.image.url
    return badge_data_uri(name=achievement.name, seed=str(achievement.uuid))


def learner_cards(*, course: Course, learner: Learner) -> list[dict]:
    """Per active rule of the course: progress, and the credential once earned."""
    cards = []
    rules = AwardingRule.objects.filter(course=course, active=True).select_related("achievement")
    for rule in rules.order_by("pk"):
        decision = (
            Decision.objects.filter(course=course, rule=rule, learner=learner)
            .order_by("-pk")
            .first()
        )
        result = decision.result if decision else None
        if result is None and active_version(rubric_id=rule.rubric_id) is None:
            continue  # not approved and active yet: nothing to show a learner
        columns = rule_columns(rule, {learner.pk: (result, None)} if result else {})
        award = (
            Award.objects.filter(course=course, achievement=rule.achievement, learner=learner)
            .order_by("-created_at", "-pk")
            .first()
        )
        credential = stored_credential(award) if award else None
        links = None
        if credential is not None:
            links = share_links(
                base_url=settings.PUBLIC_BASE_URL,
                credential_id=credential.pk,
                achievement_name=rule.achievement.name,
                issuer_name=getattr(credential.issuer, "name", ""),
                issued_at=getattr(credential, "issued_at", None),
            )
        cards.append(
            {
                "image_url": achievement_image_url(rule.achievement),
                "rule": rule,
                "achievement": rule.achievement,
                "decision": decision,
                "outcome": (result or {}).get("outcome"),
                "progress": views_grid.progress_items(result, columns),
                "award": award,
                "credential": credential,
                "links": links,
            }
        )
    return cards


@require_GET
@learner_required
def learner_home(request: HttpRequest, *, course: Course, learner: Learner) -> HttpResponse:
    notifications = list(
        Notification.objects.filter(learner=learner, course=course, read_at__isnull=True)
        .select_related("award__achievement")
        .order_by("-created_at")[:20]
    )
    return render(
        request,
        "awarding/learner_home.html",
        {
            "course": course,
            "learner": learner,
            "cards": learner_cards(course=course, learner=learner),
            "notifications": notifications,
        },
    )


@require_POST
@learner_required
def dismiss_notifications(
    request: HttpRequest, *, course: Course, learner: Learner
) -> HttpResponse:
    Notification.objects.filter(learner=learner, course=course, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return _home(request)


@require_POST
@learner_required
def set_visibility(
    request: HttpRequest, award_uuid: object, *, course: Course, learner: Learner
) -> HttpResponse:
    award = get_object_or_404(Award, uuid=award_uuid, course=course, learner=learner)
    credential = stored_credential(award)
    form = PrivacyForm(request.POST)
    if credential is None or not form.is_valid():
        messages.error(request, _("Choose whether the page is public or private."))
        return _home(request)
    before = credential.is_public
    credential.is_public = form.cleaned_data["is_public"]
    credential.save(update_fields=["is_public"])
    from audit.events import record_event

    record_event(
        actor=launch_actor(request),
        action="credential.visibility",
        object_type="credentials.Credential",
        object_id=str(credential.pk),
        before={"is_public": before},
        after={"is_public": credential.is_public},
        platform_id=course.platform_id,
    )
    if credential.is_public:
        messages.success(
            request, _("Your credential's page is public: anyone with the link can verify it.")
        )
    else:
        messages.success(request, _("Your credential's page is private now."))
    return _home(request)
