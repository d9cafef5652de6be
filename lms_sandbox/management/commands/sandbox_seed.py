"""Seed the sandbox LMS: a platform registered with this tool, a course with its people,
or (--large) a benchmark course with thousands of graded learners."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lms_sandbox.seed import (
    connect_tool,
    course_users,
    launch_url,
    seed_course,
    seed_large_course,
)


class Command(BaseCommand):
    help = "Create a sandbox LMS platform, register the tool with it and seed a course."

    def add_arguments(self, parser):
        parser.add_argument("--flavour", choices=["moodle", "canvas"], default="moodle")
        parser.add_argument("--slug", default=None)
        parser.add_argument(
            "--tool-base-url", default=None, help="where the tool is served (PUBLIC_BASE_URL)"
        )
        parser.add_argument("--sandbox-base-url", default=None)
        parser.add_argument("--title", default="Digital Competence Micro-credential")
        parser.add_argument("--learners", type=int, default=30)
        parser.add_argument("--large", action="store_true", help="bulk benchmark course")
        parser.add_argument("--line-items", type=int, default=10)
        parser.add_argument("--ungraded", action="store_true")

    def handle(self, *args, **opts):
        if not getattr(settings, "LMS_SANDBOX", False):
            raise CommandError("The sandbox LMS is off: set LMS_SANDBOX=1.")
        tool = (opts["tool_base_url"] or settings.PUBLIC_BASE_URL).rstrip("/")
        sp, platform = connect_tool(
            flavour=opts["flavour"],
            tool_base_url=tool,
            slug=opts["slug"],
            sandbox_base_url=opts["sandbox_base_url"],
        )
        if opts["large"]:
            start = time.perf_counter()
            course = seed_large_course(
                platform=sp,
                learners=opts["learners"],
                line_items=opts["line_items"],
                graded=not opts["ungraded"],
            )
            took = time.perf_counter() - start
            self.stdout.write(
                f"Seeded {opts['learners']} learners x {opts['line_items']} line items "
                f"({course.seeded_results} results) in {took:.1f} s: course {course.pk}"
            )
        else:
            course = sp.courses.filter(title=opts["title"]).first() or seed_course(
                platform=sp, title=opts["title"], learners=opts["learners"]
            )
        teacher = course_users(course, "instructor")[0]
        learner = course_users(course, "learner")[0]
        self.stdout.write(f"Sandbox {sp.flavour} platform '{sp.slug}' registered with {tool}")
        self.stdout.write(
            f"  issuer {sp.issuer}  client_id {sp.client_id}  deployment {sp.deployment_id}"
        )
        self.stdout.write(f"  course page:        {sp.root}/course/{course.pk}/")
        self.stdout.write(f"  launch as teacher:  {launch_url(course=course, user=teacher)}")
        self.stdout.write(f"  launch as learner:  {launch_url(course=course, user=learner)}")
        self.stdout.write(f"  gradebook:          {sp.root}/course/{course.pk}/gradebook")
        self.stdout.write(f"  tool platform id:   {platform.pk}")
