"""Bulk seeding for benchmarks, and the sandbox_seed command."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command

from lms_sandbox.models import SandboxEnrolment, SandboxPlatform, SandboxResult, SandboxUser
from lms_sandbox.seed import connect_tool, seed_large_course
from lti_tool.models import Platform

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("flavour", ["moodle", "canvas"])
def test_seed_large_course(flavour):
    sp, _ = connect_tool(flavour=flavour, tool_base_url="http://tool.test")
    start = time.perf_counter()
    big = seed_large_course(platform=sp, learners=2000, line_items=5)
    assert time.perf_counter() - start < 20
    assert big.seeded_results == 10_000 and big.line_items.count() == 5
    assert SandboxEnrolment.objects.filter(course=big, role="learner").count() == 2000
    assert SandboxResult.objects.filter(line_item__course=big).count() == 10_000
    first = SandboxResult.objects.filter(line_item__course=big).order_by("pk").first()
    assert first.extension == {} and first.updated_at.tzinfo is not None
    assert first.teacher_override and 0 <= first.score_given <= 10
    subs = list(SandboxUser.objects.filter(platform=sp).values_list("sub", flat=True))
    assert len(subs) == len(set(subs))
    # a second large course on the same platform does not collide
    again = seed_large_course(platform=sp, learners=10, line_items=1, graded=False)
    assert again.seeded_results == 0


def _seed_demo_canvas() -> str:
    """Run `sandbox_seed` for the demo Canvas platform; its output."""
    out = StringIO()
    call_command(
        "sandbox_seed",
        "--flavour",
        "canvas",
        "--slug",
        "demo-canvas",
        "--tool-base-url",
        "http://127.0.0.1:8000",
        stdout=out,
    )
    return out.getvalue()


def test_sandbox_seed_command_is_idempotent(settings):
    text = _seed_demo_canvas()
    assert "/sandbox/demo-canvas/course/" in text and "launch as learner" in text
    _seed_demo_canvas()
    sp = SandboxPlatform.objects.get(slug="demo-canvas")
    assert sp.courses.count() == 1
    assert SandboxEnrolment.objects.filter(course__platform=sp, role="learner").count() == 30
    assert Platform.objects.filter(client_id=sp.client_id).count() == 1


def test_sandbox_seed_large():
    out = StringIO()
    call_command("sandbox_seed", "--large", "--learners", "50", "--line-items", "2", stdout=out)
    assert "50 learners x 2 line items (100 results)" in out.getvalue()
