"""Each read of a learner's data through the API is kept in the audit log: which client,
which learner, what and how much (never the token)."""

from __future__ import annotations

from typing import Any

from audit.events import record_event

from .models import Holder


def record_read(*, holder: Holder, client_id: str, what: str, details: dict[str, Any]) -> None:
    record_event(
        actor=f"client:{client_id}",
        action=f"ob_api.{what}_read",
        object_type="ob_api.Holder",
        object_id=str(holder.pk),
        after={"learner": holder.learner_id, **details},
        platform_id=holder.learner.platform_id,
    )
