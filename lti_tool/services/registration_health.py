"""Mark a registration as needing an administrator, without clobbering other fields."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def flag_registration(*, platform, reason: str) -> None:
    """Set `Platform.needs_attention` (shown to admins); a queryset update, not a save()."""
    reason = reason[:500]
    type(platform).objects.filter(pk=platform.pk).update(needs_attention=reason)
    platform.needs_attention = reason
    log.warning("registration %s needs attention: %s", platform.pk, reason)
