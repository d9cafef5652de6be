"""Who is acting: an LMS user (from the signed launch) or a Django user of the QA console.

An actor's id is what audit events and versions record: `lti:<platform>:<sub>` or
`user:<pk>`. QA rights are part of the actor so the workflow can check them itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User

from .models import QA_GROUP, QAScope


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    qa_platform_ids: frozenset[int] = field(default_factory=frozenset)
    course_id: int | None = None  # the course an LMS instructor launched from
    platform_id: int | None = None

    def is_qa_for(self, platform_id: int) -> bool:
        return platform_id in self.qa_platform_ids


def actor_from_launch(launch) -> Actor:
    """An LMS user; institution administrators also act as QA for their platform."""
    qa = frozenset({launch.platform_id}) if launch.is_admin else frozenset()
    return Actor(
        id=f"lti:{launch.platform_id}:{launch.user_sub}",
        name=launch.name or launch.user_sub,
        qa_platform_ids=qa,
        course_id=launch.course_id if launch.is_instructor else None,
        platform_id=launch.platform_id,
    )


def qa_platform_ids(user: User | AnonymousUser) -> frozenset[int]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if not user.groups.filter(name=QA_GROUP).exists():
        return frozenset()
    return frozenset(QAScope.objects.filter(user=user).values_list("platform_id", flat=True))


def actor_from_user(user: User | AnonymousUser) -> Actor:
    name = getattr(user, "get_full_name", lambda: "")() or user.get_username()
    return Actor(id=f"user:{user.pk}", name=name, qa_platform_ids=qa_platform_ids(user))
