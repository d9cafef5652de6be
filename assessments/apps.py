from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lti_tool.launch_hooks import register_launch_recorder
        from lti_tool.signals import launch_verified

        from . import receivers
        from .launches import record_launch
        from .tasks import BEAT_SCHEDULE

        # lti_tool stores nothing of a launch itself: the course, person and enrolment are ours.
        register_launch_recorder(record_launch)
        launch_verified.connect(
            receivers.on_launch_verified, dispatch_uid="assessments.sync_on_launch"
        )
        # Register the periodic dispatcher with the Celery app (beat reads it at start).
        from config.celery import app

        for name, entry in BEAT_SCHEDULE.items():
            app.conf.beat_schedule.setdefault(name, entry)
