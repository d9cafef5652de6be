"""`manage.py seed_demo`: the sandbox LMS with a course whose learners earn a credential.

Idempotent: running it again keeps what exists, gives the QA user a new password and syncs.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from awarding.models import Award
from demo import steps as demo
from demo.endorsements import seed_endorsements
from demo.learner_record import seed_learner_record
from demo.pathway_story import seed_pathway
from demo.review_award import award_prior_learning


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
        with _process_cache_for_embedded_sqlite():
            self.seed(learners=learners, no_serve=no_serve)

    def seed(self, *, learners: int, no_serve: bool) -> None:
        base = settings.PUBLIC_BASE_URL.rstrip("/")
        say = self.stdout.write
        _sqlite_wal()
        mail_dir = _mail_to_files()
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
                # Endorsed before the grades arrive, so every credential issued carries both.
                endorsements = seed_endorsements(
                    achievement=rule.achievement, qa=demo.actor_for_qa(qa_user)
                )
                demo.enter_demo_grades(sandbox_course=sandbox_course, learners=learner_users)
                from assessments.sync import sync_course

                run = sync_course(course=course, trigger="seed")
                rpl = award_prior_learning(
                    course=course,
                    achievement=rule.achievement,
                    teacher_sub=teacher.sub,
                    teacher_name=teacher.name,
                    qa_user=qa_user,
                    skip_subs={_waiting(learner_users).sub},
                )
                # A second course and the pathway both credentials stack into (ADR 0065).
                story = seed_pathway(
                    sandbox_platform=sandbox_platform,
                    platform=platform,
                    first_rule=rule,
                    learners=learner_users,
                    qa_user=qa_user,
                )
        except OSError as exc:
            raise CommandError(
                f"Could not serve {base} for the seed ({exc}). Is something already running "
                "there? Stop it, or pass --no-serve if it is this tool."
            ) from exc
        issued = Award.objects.filter(rule=rule, state=Award.State.ISSUED).count()
        record = seed_learner_record()
        waiting = _waiting(learner_users)
        course_page = base + reverse(
            "lms_sandbox:course",
            kwargs={"slug": sandbox_platform.slug, "course_id": sandbox_course.pk},
        )
        gradebook = base + reverse(
            "lms_sandbox:gradebook",
            kwargs={"slug": sandbox_platform.slug, "course_id": sandbox_course.pk},
        )
        say(self.style.SUCCESS("\nCredbridge demo is ready.\n"))
        say(f"Course: {course.title} ({len(learner_users)} learners); first sync: {run.outcome}")
        say(f"Credential: {rule.achievement.name}; issued so far: {issued}")
        say(
            "(With a Celery worker, credentials appear as soon as it runs; without one, "
            "they were issued in this process.)\n"
        )
        say("Try it:")
        say(f"  1. Open the course in the sandbox LMS: {course_page}")
        say(
            f"     Launch Credbridge as the instructor ({teacher.name}): the dashboard shows "
            "who met which criterion."
        )
        say(f"  2. Open the sandbox gradebook: {gradebook}")
        say(
            f"     {waiting.name} has no grade yet in 'Protecting personal data and privacy' "
            "(insufficient evidence). Give them 8 out of 10."
        )
        say(
            f"  3. Launch Credbridge as {waiting.name}: the launch syncs the course and the "
            "credential appears within seconds (download, share, wallet)."
        )
        say("  4. Open the credential's public page from there: it verifies for anyone.")
        say(
            f"  5. Endorsements ({len(endorsements)}): the credential's page "
            f"{base}/achievements/{rule.achievement.uuid} shows the QA office's and an "
            "employers' guild's (its did:web document is served by this demo); QA manages them "
            f"at {base}/qa/endorsements/."
        )
        if record is not None:
            say(
                f"  6. {record.record.learner.name}'s learner record (CLR 2.0, every credential "
                f"in one signed file), shared: {base}/records/{record.record.share_token}"
            )
        if rpl is not None:
            say(
                f"  7. {rpl.learner.name or rpl.learner.sub} holds it by recognition of prior "
                f"learning, approved in the QA console (Proposals): {base}/evidence/"
                f"{rpl.award.uuid if rpl.award else ''}"
            )
        say(
            f"  8. Pathway: {story.pathway.achievement.name} stacks “{rule.achievement.name}” "
            f"and “{story.rule.achievement.name}” ({story.course.title}); issued to "
            f"{story.stacked} learners so far. Their learner page shows it, with progress."
        )
        if story.close:
            say(
                f"     {story.close[0].name} is one credential away (QA console: Pathways, "
                f"who is close): grade them in {story.course.title} and launch as them."
            )
        say(f"  QA console: {base}/qa/   user: {qa_user.username}   password: {password}")
        if mail_dir:
            say(f"  The learners' emails of this seed are in {mail_dir}")
        say(f"  Admin:      {base}/admin/ (same QA user is staff)")


def _waiting(learner_users: list):
    """A learner still missing a grade: grading them shows a credential appear."""
    return next(
        (u for i, u in enumerate(learner_users) if demo.demo_grade(i, "privacy", 10, 5) is None),
        learner_users[0],
    )


def _sqlite_wal() -> None:
    """The embedded SQLite file in WAL mode (a property of the file: it stays so).

    The tool and the sandbox LMS share one process and one database: in the default
    rollback-journal mode an open read transaction on one side blocks the other side's
    commit until a timeout; WAL lets readers and one writer proceed together.
    """
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")


def _mail_to_files():
    """The seed's dozens of emails go to files instead of burying the instructions.

    Only for this command's process, and only when mail would go to the console anyway.
    """
    if settings.EMAIL_BACKEND != "django.core.mail.backends.console.EmailBackend":
        return None
    mail_dir = Path(getattr(settings, "VAR_DIR", ".")) / "demo-mail"
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(mail_dir)
    return mail_dir


def _process_cache_for_embedded_sqlite():
    """In the embedded default (SQLite, database cache) the seed keeps its cache in memory.

    The seed calls the sandbox LMS, served by a thread of this same process, from inside the
    sync's transactions; with the cache in the same SQLite file, a token cached during such
    a call is a write that the other thread's commit has made stale ("database is locked").
    Nothing the seed caches (launch state, LMS tokens) is needed after it ends.
    """
    from django.db import connection
    from django.test.utils import override_settings

    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    if connection.vendor != "sqlite" or not backend.endswith("DatabaseCache"):
        return contextlib.nullcontext()
    return override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    )
