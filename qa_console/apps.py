from django.apps import AppConfig

from awarding.qa_console_entry import register_qa_handoff


class QAConsoleConfig(AppConfig):
    """The QA console (/qa/): rubric reviews, award decisions, reports, the audit log.

    The top layer (ADR 0005): it may import every app below it, and none imports it.
    """

    name = "qa_console"
    verbose_name = "QA console"

    def ready(self) -> None:
        # The instructor dashboard offers LMS administrators "Open QA console"; awarding only
        # learns the URL it posts to through this registration.
        register_qa_handoff("qa:handoff_start")
