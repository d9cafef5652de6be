"""Audit entries for what django-oauth-toolkit writes itself: each access token it issues
(by code or by refresh). The token view runs in a transaction (ob_api.views.oauth), so the
entry is kept only with the token."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from oauth2_provider.signals import app_authorized

from audit.events import record_event

from .models import Holder


@receiver(app_authorized, dispatch_uid="ob_api.token_issued")
def token_issued(sender: Any, request: Any, token: Any, **kwargs: Any) -> None:
    holder = Holder.objects.filter(user_id=token.user_id).select_related("learner").first()
    record_event(
        actor=f"client:{token.application.client_id}",
        action="ob_api.token_issued",
        object_type="oauth2_provider.AccessToken",
        object_id=str(token.pk),
        after={
            "holder": holder.learner_id if holder else None,
            "scope": token.scope,
            "expires": token.expires.isoformat(),
            "grant_type": request.POST.get("grant_type", "") if hasattr(request, "POST") else "",
        },
        platform_id=holder.learner.platform_id if holder else None,
    )
