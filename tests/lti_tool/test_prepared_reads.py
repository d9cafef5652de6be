"""PreparedRead (ADR 0077): a queryset compiled once, run through a cursor, answers what the
ORM answers for the same data; a read that cannot be compiled safely is refused at once;
nothing is kept between calls but the SQL (a changed row is read as it is now)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Course
from lti_tool.models import Deployment, Platform
from lti_tool.prepared_reads import STATEMENT_SEPARATOR, PreparedRead, read_together
from tests.pages.world import make_platform

pytestmark = pytest.mark.django_db


def field_values(obj: Model) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def assert_same_instances(found: list, expected: list, related: tuple[str, ...] = ()) -> None:
    """The same rows, in the same order, every column equal (converted values included),
    and each `related` (select_related) object loaded with the same columns."""
    assert [type(o) for o in found] == [type(o) for o in expected]
    assert [field_values(o) for o in found] == [field_values(o) for o in expected]
    for path in related:
        for got, want in zip(found, expected, strict=True):
            for name in path.split("__"):
                got, want = getattr(got, name), getattr(want, name)
            assert (got is None) == (want is None)
            if want is not None:
                assert field_values(got) == field_values(want)
    for obj in found:
        assert not obj._state.adding and obj._state.db == "default"


DEPLOYMENTS = PreparedRead(
    lambda platform_id: (
        Deployment.objects.select_related("platform")
        .filter(platform_id=platform_id)
        .order_by("-deployment_id")
    ),
    params={"platform_id": int},
)


def test_instances_with_their_related_rows_are_the_orms():
    platform, other = make_platform(), make_platform()
    for name in ("b", "a", "c"):
        Deployment.objects.create(platform=platform, deployment_id=name, active=name != "a")
    Deployment.objects.create(platform=other, deployment_id="z")
    for platform_id in (platform.pk, other.pk, 0):
        expected = list(DEPLOYMENTS.queryset(platform_id=platform_id))
        with CaptureQueriesContext(connection) as queries:
            found = DEPLOYMENTS.all(platform_id=platform_id)
            # select_related: the platform comes with the row, no query of its own.
            assert all(d.platform.issuer for d in found)
        assert len(queries) == 1
        assert_same_instances(found, expected, related=("platform",))
    assert DEPLOYMENTS.all(platform_id=platform.pk)[0].created_at.tzinfo is not None


def test_values_are_converted_as_the_orm_converts_them():
    """A JSON list and an aware datetime come back as Python values, not text."""
    platform = make_platform()
    Course.objects.create(
        platform=platform,
        context_id="c-1",
        ags_scopes=["https://purl.imsglobal.org/spec/lti-ags/scope/score", "ü"],
        last_launch_at=timezone.now(),
    )
    read = PreparedRead(
        lambda context_id: Course.objects.filter(context_id=context_id).order_by("pk")[:1],
        params={"context_id": str},
    )
    found = read.first(context_id="c-1")
    assert found.ags_scopes == ["https://purl.imsglobal.org/spec/lti-ags/scope/score", "ü"]
    assert found.last_launch_at.tzinfo is not None
    assert_same_instances([found], list(read.queryset(context_id="c-1")))


def test_the_sql_is_built_once_and_each_call_reads_the_rows_as_they_are_now():
    """No row is kept between calls: a platform deactivated since the last read is read
    inactive (a deactivated platform must refuse the next launch)."""
    platform = make_platform()
    read = PreparedRead(
        lambda pk: Platform.objects.filter(pk=pk).order_by("pk")[:1], params={"pk": int}
    )
    assert read.first(pk=platform.pk).is_active
    Platform.objects.filter(pk=platform.pk).update(status=Platform.Status.PENDING)
    built = read._compiled()
    assert read.first(pk=platform.pk).is_active is False
    assert read._compiled() is built
    assert read.first(pk=platform.pk + 1000) is None
    # Values are converted as the ORM's lookups would: "7" is the integer 7.
    assert read.first(pk=str(platform.pk)).pk == platform.pk


def test_rows_of_a_values_list_are_the_orms():
    platform = make_platform()
    for name in ("b", "a"):
        Deployment.objects.create(platform=platform, deployment_id=name)
    read = PreparedRead(
        lambda platform_id: (
            Deployment.objects.filter(platform_id=platform_id)
            .order_by("deployment_id")
            .values_list("deployment_id", "active")
        ),
        params={"platform_id": int},
        rows=True,
    )
    assert read.rows(platform_id=platform.pk) == list(read.queryset(platform_id=platform.pk))
    assert read.rows(platform_id=platform.pk) == [("a", True), ("b", True)]
    with pytest.raises(TypeError):
        read.all(platform_id=platform.pk)
    with pytest.raises(TypeError):
        DEPLOYMENTS.rows(platform_id=platform.pk)


@pytest.mark.parametrize(
    "build",
    [
        # The value reaches the SQL changed (wrapped in %...%): its place cannot be found.
        lambda name: Platform.objects.filter(name__icontains=name),
        # Named twice: one parameter must be one place in the SQL.
        lambda name: Platform.objects.filter(name=name, issuer=name),
        # Not used at all.
        lambda name: Platform.objects.all(),
    ],
)
def test_a_read_whose_values_cannot_be_placed_is_refused(build):
    with pytest.raises(ImproperlyConfigured):
        PreparedRead(build, params={"name": str}).all(name="x")


def test_values_must_be_the_named_ones_and_not_none():
    with pytest.raises(TypeError):
        DEPLOYMENTS.all(platform=1)
    with pytest.raises(TypeError):
        DEPLOYMENTS.all(platform_id=None)
    with pytest.raises(ImproperlyConfigured):
        PreparedRead(lambda when: Platform.objects.filter(created_at=when), params={"when": float})


def test_reads_sent_together_answer_as_each_alone():
    """Instances, rows and an empty answer, in one round trip on PostgreSQL (one result set
    per statement), one query each elsewhere."""
    platform, other = make_platform(), make_platform()
    for name in ("b", "a"):
        Deployment.objects.create(platform=platform, deployment_id=name)
    names = PreparedRead(
        lambda platform_id: (
            Deployment.objects.filter(platform_id=platform_id)
            .order_by("deployment_id")
            .values_list("deployment_id", flat=True)
        ),
        params={"platform_id": int},
        rows=True,
    )
    reads = [
        DEPLOYMENTS.bound(platform_id=platform.pk),
        DEPLOYMENTS.bound(platform_id=other.pk),  # none
        names.bound(platform_id=platform.pk),
        DEPLOYMENTS.bound(platform_id=platform.pk),  # the same read twice
    ]
    with CaptureQueriesContext(connection) as queries:
        together = read_together(*reads)
    alone = [
        DEPLOYMENTS.all(platform_id=platform.pk),
        [],
        names.rows(platform_id=platform.pk),
        DEPLOYMENTS.all(platform_id=platform.pk),
    ]
    assert together[2] == alone[2] == [("a",), ("b",)]
    assert together[1] == []
    for found, expected in [(together[0], alone[0]), (together[3], alone[3])]:
        assert_same_instances(found, expected, related=("platform",))
    if connection.vendor == "postgresql":
        assert len(queries) == 1
        assert queries[0]["sql"].count(STATEMENT_SEPARATOR) == len(reads) - 1
    else:
        assert len(queries) == len(reads)
    # One read alone: one statement.
    with CaptureQueriesContext(connection) as queries:
        (only,) = read_together(DEPLOYMENTS.bound(platform_id=platform.pk))
    assert len(queries) == 1 and STATEMENT_SEPARATOR not in queries[0]["sql"]
    assert_same_instances(only, alone[0], related=("platform",))


def test_values_of_reads_sent_together_are_checked_as_each_alone():
    with pytest.raises(TypeError):
        read_together(DEPLOYMENTS.bound(platform_id=1), DEPLOYMENTS.bound(platform_id=None))
