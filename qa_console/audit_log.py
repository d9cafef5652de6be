"""The audit log as QA sees it: events of their platforms, filtered, in words; CSV rows of
exactly the filtered events (plain-language columns first, the chained raw fields after)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from assessments.models import Course
from audit.event_kinds import EVENT_SENTENCES
from audit.models import AuditEvent
from awarding.models import Achievement, Award, AwardingRule
from rubrics.models import Rubric, RubricVersion

from .people import describe_actors

OBJECT_WORDS = {
    "award": gettext_lazy("Credential award"),
    "award_proposal": gettext_lazy("Proposed award by review"),
    "bulk_upload": gettext_lazy("Bulk CSV"),
    "credentials.Credential": gettext_lazy("Signed credential"),
    "credentials.SigningKey": gettext_lazy("Signing key"),
    "awarding.Achievement": gettext_lazy("Credential description"),
    "awarding.AwardingRule": gettext_lazy("Awarding rule"),
    "rubric": gettext_lazy("Rubric"),
    "rubric_version": gettext_lazy("Rubric version"),
    "framework": gettext_lazy("Competence framework"),
    "qa_scope": gettext_lazy("Quality-assurance rights"),
    "user": gettext_lazy("Console user"),
    "assessments.Learner": gettext_lazy("Person"),
    "lti_tool.Platform": gettext_lazy("LMS registration"),
    "key_encryption": gettext_lazy("Stored LMS keys"),
    "wallet_issuance.WalletOffer": gettext_lazy("Wallet offer"),
    "wallet_issuance.WalletCredential": gettext_lazy("Credential in a wallet"),
}

CSV_HEADER = [
    "when_utc",
    "who",
    "what",
    "about",
    "seq",
    "actor",
    "action",
    "object_type",
    "object_id",
    "platform_id",
    "before",
    "after",
    "prev_hash",
    "hash",
]


def event_sentence(kind: str) -> str:
    sentence = EVENT_SENTENCES.get(kind)
    return str(sentence) if sentence is not None else kind


def object_words(event: AuditEvent) -> str:
    words = OBJECT_WORDS.get(event.object_type)
    return f"{words} {event.object_id}" if words else f"{event.object_type} {event.object_id}"


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    who: str
    what: str
    about: str


def in_words(events: Iterable[AuditEvent]) -> list[EventRow]:
    """A page of events with their actors resolved in one batch (no query per row)."""
    events = list(events)
    people = describe_actors(e.actor for e in events)
    return [
        EventRow(e, people.get(e.actor, e.actor), event_sentence(e.action), object_words(e))
        for e in events
    ]


def visible_events(*, platform_ids: frozenset[int], include_global: bool) -> QuerySet:
    scope = Q(platform_id__in=platform_ids)
    if include_global:
        scope |= Q(platform_id__isnull=True)
    return AuditEvent.objects.filter(scope)


def _course_objects(course: Course) -> Q:
    """Events about this course's rubrics, rules, credential descriptions and awards."""

    def ids(values: Iterable[Any]) -> list[str]:
        return [str(v) for v in values]

    awards = ids(Award.objects.filter(course=course).values_list("uuid", flat=True))
    return (
        Q(
            object_type="rubric",
            object_id__in=ids(Rubric.objects.filter(course=course).values_list("pk", flat=True)),
        )
        | Q(
            object_type="rubric_version",
            object_id__in=ids(
                RubricVersion.objects.filter(rubric__course=course).values_list("pk", flat=True)
            ),
        )
        | Q(
            object_type="awarding.AwardingRule",
            object_id__in=ids(
                AwardingRule.objects.filter(course=course).values_list("pk", flat=True)
            ),
        )
        | Q(
            object_type="awarding.Achievement",
            object_id__in=ids(
                Achievement.objects.filter(course=course).values_list("uuid", flat=True)
            ),
        )
        | Q(object_type__in=("award", "credentials.Credential"), object_id__in=awards)
        | Q(after__course_id=course.pk)
    )


def filter_events(qs: QuerySet, data: dict) -> QuerySet:
    if data.get("person"):
        qs = qs.filter(actor=data["person"])
    if data.get("kind"):
        qs = qs.filter(action=data["kind"])
    if data.get("course"):
        qs = qs.filter(_course_objects(data["course"]))
    if data.get("object_type"):
        qs = qs.filter(object_type=data["object_type"])
    if data.get("object_id"):
        qs = qs.filter(object_id=data["object_id"])
    tz = timezone.get_current_timezone()
    if data.get("since"):
        qs = qs.filter(at__gte=datetime.combine(data["since"], time.min, tzinfo=tz))
    if data.get("until"):
        qs = qs.filter(at__lte=datetime.combine(data["until"], time.max, tzinfo=tz))
    return qs


def csv_rows(qs: QuerySet, *, chunk: int = 500) -> Iterator[list[object]]:
    """One line per event (CSV_HEADER's columns), oldest first; names resolved a chunk at a
    time."""
    batch: list[AuditEvent] = []
    for event in qs.order_by("seq").iterator(chunk_size=chunk):
        batch.append(event)
        if len(batch) == chunk:
            yield from _csv_lines(batch)
            batch = []
    yield from _csv_lines(batch)


def _csv_lines(events: list[AuditEvent]) -> Iterator[list[object]]:
    for row in in_words(events):
        e = row.event
        yield [
            e.at.isoformat(),
            row.who,
            row.what,
            row.about,
            e.seq,
            e.actor,
            e.action,
            e.object_type,
            e.object_id,
            e.platform_id,
            json.dumps(e.before, sort_keys=True) if e.before is not None else "",
            json.dumps(e.after, sort_keys=True) if e.after is not None else "",
            e.prev_hash,
            e.hash,
        ]
