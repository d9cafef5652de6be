"""`manage.py seed_demo`: the sandbox LMS with a course whose learners earn a credential.

Idempotent: running it again keeps what exists, gives the QA user a new password and syncs.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from awarding import demo
from awarding.models import Award


class Command(BaseCommand):
    help = "Seed the sandbox LMS and Credbridge with a demo course, credential and grades."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--learners", type=int, default=30)
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="A tool server is already listening on PUBLIC_BASE_URL: do not start one.",
        )

    def handle(self, *args, learners: int, no_serve: bool, **options) -> None:
        if not getattr(settings, "LMS_SANDBOX", False):
            raise CommandError("The demo needs the sandbox LMS: set LMS_SANDBOX=1.")
        base = settings.PUBLIC_BASE_URL.rstrip("/")
        say = self.stdout.write
        sandbox_platform, platform = demo.register(base_url=base)
        say(f"Sandbox Moodle registered: issuer {platform.issuer}, client id {platform.client_id}")
        sandbox_course = demo.sandbox_course(sandbox_platform=sandbox_platform, learners=learners)
        teacher = demo.people(sandbox_course, "instructor")[0]
        learner_users = demo.people(sandbox_course, "learner")
        qa_user, password = demo.ensure_qa_user(platform=platform)
        server = demo.serving(base) if not no_serve else contextlib.nullcontext()
        try:
            with server:
                # The course exists on the tool's side once its instructor has launched.
                demo.launch(sandbox_course=sandbox_course, user=teacher, role="instructor")
                course = demo.tool_course(platform=platform, sandbox_course=sandbox_course)
                rule = demo.set_up_credential(
                    course=course,
                    instructor=demo.instructor_actor(
                        course=course, sub=teacher.sub, name=teacher.name
                    ),
                    qa=demo.actor_for_qa(qa_user),
                )
                demo.enter_demo_grades(sandbox_course=sandbox_course, learners=learner_users)
                from assessments.sync import sync_course

                run = sync_course(course=course, trigger="seed")
        except OSError as exc:
            raise CommandError(
                f"Could not serve {base} for the seed ({exc}). Is something already running "
                "there? Stop it, or pass --no-serve if it is this tool."
            ) from exc
        issued = Award.objects.filter(rule=rule, state=Award.State.ISSUED).count()
        learner = learner_users[0]
        say(self.style.SUCCESS("\nCredbridge demo is ready.\n"))
        say(f"Course: {course.title} ({len(learner_users)} learners); sync: {run.outcome}")
        say(f"Credential: {rule.achievement.name}; issued so far: {issued}")
        say(
            "(With a Celery worker, credentials appear as soon as it runs; without one, "
            "they were issued in this process.)\n"
        )
        say("What to try:")
        say(f"  1. Open the sandbox LMS:            {sandbox_platform.root}/")
        say(f"     Launch as the instructor ({teacher.name}) to see the course dashboard.")
        say(
            f"  2. In the sandbox gradebook, give {learner.name} a grade in each "
            "'Digital Content Creator' column."
        )
        say("  3. Launch as that learner: the sync runs on launch and the credential appears.")
        say("  4. Open the credential's public page and verify it (anyone can).")
        say(f"  QA console: {base}/qa/   user: {qa_user.username}   password: {password}")
        say(f"  Admin:      {base}/admin/ (same QA user is staff)")
