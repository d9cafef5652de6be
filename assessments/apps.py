from django.apps import AppConfig

from config.celery import app
from lti_tool.launch_hooks import register_launch_recorder
from lti_tool.signals import launch_verified


class AssessmentsConfig(AppConfig):
    name = "assessments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # These import the models: importable only once the apps are loaded.
        from . import receivers  # noqa: PLC0415
        from .launches import known_enrolment_offer, record_launch  # noqa: PLC0415
        from .tasks import BEAT_SCHEDULE  # noqa: PLC0415

        # lti_tool stores nothing of a launch itself: the course, person and enrolment are ours.
        # The enrolment read goes ahead, with the launch's platform read (ADR 0083).
        register_launch_recorder(record_launch, read_offer=known_enrolment_offer)
        launch_verified.connect(
            receivers.on_launch_verified, dispatch_uid="assessments.sync_on_launch"
        )
        # Register the periodic dispatcher with the Celery app (beat reads it at start).
        for name, entry in BEAT_SCHEDULE.items():
            app.conf.beat_schedule.setdefault(name, entry)
