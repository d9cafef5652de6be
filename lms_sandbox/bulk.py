"""Large courses for benchmarks: thousands of learners and graded line items, inserted with
bulk_create in batches (10,000 learners x 10 line items in seconds)."""

from __future__ import annotations

import uuid

from django.db import connection, transaction
from django.utils import timezone

from . import naming
from .models import (
    SandboxCourse,
    SandboxEnrolment,
    SandboxLineItem,
    SandboxPlatform,
    SandboxResult,
    SandboxUser,
)

BATCH = 5000


def _insert_rows(model, field_names: list[str], rows) -> int:
    """Multi-row INSERTs: 100,000 rows without building 100,000 model instances.

    Table and column names come from the model's meta; every value is a parameter.
    """
    meta = model._meta
    columns = [meta.get_field(f).column for f in field_names]
    qn = connection.ops.quote_name
    max_params = connection.features.max_query_params or 30000
    per_statement = max(1, min(1000, max_params // len(columns)))
    names = ", ".join(qn(c) for c in columns)
    head = f"INSERT INTO {qn(meta.db_table)} ({names}) VALUES "  # noqa: S608 - names from meta
    one = f"({', '.join(['%s'] * len(columns))})"
    count, batch = 0, []

    def flush(cursor, batch):
        sql = head + ", ".join([one] * len(batch))  # noqa: S608 - names from model meta
        cursor.execute(sql, [value for row in batch for value in row])

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one command: the fastest way into PostgreSQL.
            with cursor.cursor.copy(f"COPY {qn(meta.db_table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        for row in rows:
            batch.append(row)
            if len(batch) >= per_statement:
                flush(cursor, batch)
                count, batch = count + len(batch), []
        if batch:
            flush(cursor, batch)
            count += len(batch)
    return count


def _score(i: int, j: int, maximum: float) -> float:
    # Deterministic spread over 0..maximum, so a benchmark is repeatable.
    return float((i * 7 + j * 13) % (int(maximum) + 1))


@transaction.atomic
def seed_large_course(
    *,
    platform: SandboxPlatform,
    learners: int,
    line_items: int,
    graded: bool = True,
    title: str = "",
    score_maximum: float = 10,
) -> SandboxCourse:
    """A course with `learners` learners, a teacher and `line_items` graded columns.

    Returns the course; `course.seeded_results` says how many results were written.
    """
    if learners < 1 or line_items < 0:
        raise ValueError("learners must be at least 1 and line_items not negative")
    is_canvas = platform.flavour == SandboxPlatform.Flavour.CANVAS
    course = SandboxCourse.objects.create(
        platform=platform,
        title=title or f"Benchmark course ({learners} learners)",
        label="BENCH",
        context_id=uuid.uuid4().hex,
        sourcedid="BENCH-2026",
    )
    if not is_canvas:
        course.context_id = str(course.pk)
        course.save(update_fields=["context_id"])
    subs = SandboxUser.objects.filter(platform=platform).values_list("sub", flat=True)
    next_id = max([int(s) for s in subs if s.isdigit()] or [1]) + 1
    tag = f"c{course.pk}"
    users = []
    for i in range(learners):
        sub = str(uuid.uuid4()) if is_canvas else str(next_id + i)
        given, family = naming.person_name(i)
        username = f"bench{tag}_{i + 1}"
        users.append(
            SandboxUser.for_person(
                platform,
                sub=sub,
                username=username,
                given=given,
                family=family,
                sourcedid=f"{username.upper()}-ID",
            )
        )
    SandboxUser.objects.bulk_create(users, batch_size=BATCH)
    # bulk_create sets pks on PostgreSQL and SQLite >= 3.35; re-read to be backend-neutral.
    users = list(
        SandboxUser.objects.filter(platform=platform, username__startswith=f"bench{tag}_").order_by(
            "pk"
        )
    )
    teacher = SandboxUser.objects.create(
        platform=platform,
        sub=str(uuid.uuid4()) if is_canvas else str(next_id + learners),
        username=f"bench{tag}_teacher",
        name="Terry Teacher",
        given_name="Terry",
        family_name="Teacher",
        email=f"bench{tag}_teacher@example.edu",
        legacy_id=naming.opaque_hex(f"{platform.slug}:bench-teacher:{course.pk}"),
    )
    SandboxEnrolment.objects.bulk_create(
        [SandboxEnrolment(course=course, user=teacher, role=SandboxEnrolment.Role.INSTRUCTOR)]
        + [
            SandboxEnrolment(course=course, user=u, role=SandboxEnrolment.Role.LEARNER)
            for u in users
        ],
        batch_size=BATCH,
    )
    items = SandboxLineItem.objects.bulk_create(
        [
            SandboxLineItem(
                course=course,
                label=f"Criterion {j + 1}",
                score_maximum=score_maximum,
                tag=f"bench:criterion:{j + 1}",
                resource_id=f"bench-{j + 1}",
            )
            for j in range(line_items)
        ]
    )
    items = list(SandboxLineItem.objects.filter(course=course).order_by("pk"))
    count = 0
    if graded and items:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        empty = SandboxResult._meta.get_field("extension").get_db_prep_save({}, connection)
        rows = (
            (
                li.pk,
                u.pk,
                _score(i, j, score_maximum),
                score_maximum,
                "",
                "Completed",
                "FullyGraded",
                True,
                "",
                empty,
                now,
            )
            for i, u in enumerate(users)
            for j, li in enumerate(items)
        )
        count = _insert_rows(
            SandboxResult,
            [
                "line_item",
                "user",
                "score_given",
                "score_maximum",
                "comment",
                "activity_progress",
                "grading_progress",
                "teacher_override",
                "feedback",
                "extension",
                "updated_at",
            ],
            rows,
        )
    course.seeded_results = count
    return course
