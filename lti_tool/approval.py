"""An operator approves a pending Dynamic Registration: one audited step (ADR 0004)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.events import record_event

from .models import Platform


def approve(*, platform_id: int, actor: str) -> bool:
    """Make a pending platform active; False when it was not pending (nothing changes)."""
    with transaction.atomic():
        platform = Platform.objects.select_for_update().filter(pk=platform_id).first()
        if platform is None or platform.is_active:
            return False
        platform.status = Platform.Status.ACTIVE
        platform.approved_at = timezone.now()
        platform.approved_by = str(actor)[:150]
        platform.save(update_fields=["status", "approved_at", "approved_by"])
        record_event(
            actor=actor,
            action="platform.approved",
            object_type="lti_tool.Platform",
            object_id=str(platform.pk),
            before={"status": Platform.Status.PENDING},
            after={
                "status": Platform.Status.ACTIVE,
                "issuer": platform.issuer,
                "client_id": platform.client_id,
                "key_set_url": platform.key_set_url,
                "registered_from": platform.registered_from,
            },
            platform_id=platform.pk,
        )
    return True
