"""The learner's connected apps: which clients hold live tokens, and "Disconnect"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_refresh_token_model,
)

from audit.events import record_event

from .models import Holder


@dataclass(frozen=True)
class Connection:
    application_id: int
    name: str
    client_uri: str
    scopes: list[str]
    since: datetime


def connected_apps(holder: Holder) -> list[Connection]:
    """Apps with a live access token or an unrevoked refresh token for this holder."""
    now = timezone.now()
    access = get_access_token_model().objects.filter(user=holder.user)
    refresh = get_refresh_token_model().objects.filter(user=holder.user, revoked__isnull=True)
    apps = (
        get_application_model()
        .objects.filter(
            Q(pk__in=access.filter(expires__gt=now).values("application"))
            | Q(pk__in=refresh.values("application"))
        )
        .select_related("ob_client")
        .order_by("name", "pk")
    )
    connections = []
    for app in apps:
        tokens = list(access.filter(application=app).order_by("created"))
        scopes = sorted({s for t in tokens for s in t.scope.split()})
        since = tokens[0].created if tokens else app.created
        client = getattr(app, "ob_client", None)
        connections.append(
            Connection(app.pk, app.name, client.client_uri if client else "", scopes, since)
        )
    return connections


def disconnect(*, holder: Holder, application_id: int, actor: str, platform_id: int | None) -> int:
    """Revoke every token and pending code of one app for this holder; audited. The number
    of tokens revoked (0: nothing was connected)."""
    with transaction.atomic():
        revoked = 0
        for refresh in get_refresh_token_model().objects.filter(
            user=holder.user, application_id=application_id, revoked__isnull=True
        ):
            refresh.revoke()  # the library also deletes its access token
            revoked += 1
        deleted, _ = (
            get_access_token_model()
            .objects.filter(user=holder.user, application_id=application_id)
            .delete()
        )
        get_grant_model().objects.filter(user=holder.user, application_id=application_id).delete()
        revoked += deleted
        if revoked:
            record_event(
                actor=actor,
                action="ob_api.app_disconnected",
                object_type="oauth2_provider.Application",
                object_id=str(application_id),
                after={"holder": holder.learner_id, "tokens_revoked": revoked},
                platform_id=platform_id,
            )
    return revoked
