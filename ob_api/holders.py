"""Who the learner is on the authorization endpoint, without a password or a Django session.

Learners only ever arrive by LTI launch. From their "Connected apps" page (inside the launch)
the learner presses "Sign in to connect an app"; that POST, checked like every launch form,
answers in a new top-level window with a signed, short-lived, HttpOnly cookie naming the
learner. The authorization endpoint reads that cookie and nothing else (ADR 0061). It is not
a Django login: no session, so the launch-token CSRF rule and the QA console are untouched.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from assessments.models import Learner

from .models import Holder

COOKIE = "cb_ob_consent"
SALT = "ob_api.consent-cookie"


def cookie_age() -> int:
    return int(getattr(settings, "OB_API_CONSENT_COOKIE_SECONDS", 15 * 60))


def holder_for(learner: Learner) -> Holder:
    """The learner's Holder, made the first time (a user that can never sign in)."""
    holder = Holder.objects.select_related("user").filter(learner=learner).first()
    if holder is not None:
        return holder
    with transaction.atomic():
        user_model = get_user_model()
        user = user_model(username=f"ob-holder-{learner.pk}", is_active=True, is_staff=False)
        user.set_unusable_password()
        user.save()
        return Holder.objects.create(user=user, learner=learner)


def set_consent_cookie(response: HttpResponse, learner: Learner) -> None:
    value = signing.dumps({"learner": learner.pk}, salt=SALT, compress=True)
    response.set_cookie(
        COOKIE,
        value,
        max_age=cookie_age(),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        # Lax: the backpack sends the browser here by a top-level GET, which carries it.
        samesite="Lax",
        path="/ims/ob/v3p0/",
    )


def consenting_holder(request: HttpRequest) -> Holder | None:
    """The holder named by a fresh consent cookie, or None."""
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=SALT, max_age=cookie_age())
    except signing.BadSignature:
        return None
    learner_id = data.get("learner") if isinstance(data, dict) else None
    if not isinstance(learner_id, int):
        return None
    learner = Learner.objects.filter(pk=learner_id).first()
    return holder_for(learner) if learner is not None else None
