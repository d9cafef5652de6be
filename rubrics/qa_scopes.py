"""Who reviews for which platform: the service that lets an LMS administrator into QA.

An operator grants QA scopes in the admin (audited there). An LMS administrator gets one
without the operator: the first time they open the QA console from a launch, for the platform
of that launch only. That grant, and every later admission, goes through
`admit_lms_administrator`, which writes the audit entries in the same transaction.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from audit.events import record_event

from .actors import qa_platform_ids
from .models import QA_GROUP, QAScope


class QAAccessWithdrawn(Exception):
    """The operator removed this administrator's scope or deactivated their console user."""


def _username(platform_id: int, sub: str) -> str:
    digest = hashlib.sha256(f"{platform_id}\n{sub}".encode()).hexdigest()[:32]
    return f"lms-{platform_id}-{digest}"


def admit_lms_administrator(*, platform_id: int, sub: str, name: str) -> tuple[Any, bool]:
    """The Django user of one LMS administrator on one platform, and whether it was created.

    Its QA scope is granted once, at creation: an operator who removes it (or deactivates the
    user) in the admin has withdrawn console access, and the next admission does not restore
    it (QAAccessWithdrawn). Audited as `qa_scope.granted` (first time) and `qa_console.handoff`
    (every time), with the administrator's `lti:<platform>:<sub>` as the actor.
    """
    actor = f"lti:{platform_id}:{sub}"
    with transaction.atomic():
        user, created = get_user_model().objects.get_or_create(
            username=_username(platform_id, sub), defaults={"first_name": name[:150]}
        )
        if created:
            user.set_unusable_password()  # no password login: only the handoff opens a session
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name=QA_GROUP)[0])
            scope = QAScope.objects.create(user=user, platform_id=platform_id)
            record_event(
                actor=actor,
                action="qa_scope.granted",
                object_type="qa_scope",
                object_id=str(scope.pk),
                after={"user_id": user.pk, "platform_id": platform_id},
                platform_id=platform_id,
            )
        if not user.is_active or platform_id not in qa_platform_ids(user):
            raise QAAccessWithdrawn("Your QA console access was withdrawn by the operator.")
        record_event(
            actor=actor,
            action="qa_console.handoff",
            object_type="user",
            object_id=str(user.pk),
            after={"user_id": user.pk, "created": created},
            platform_id=platform_id,
        )
    return user, created
