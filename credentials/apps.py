from celery.signals import worker_init
from django.apps import AppConfig


def _warm_up(**_kwargs: object) -> None:
    # Imported when a worker starts, not when the app registry loads.
    from .process_warmup import warm_up  # noqa: PLC0415

    warm_up()


class CredentialsConfig(AppConfig):
    name = "credentials"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A worker compiles the schema check and fills the JSON-LD context memo before its
        # pool forks, not on its first credential (ADR 0096, 0099; config.worker_warmup does
        # the same for the URL modules).
        worker_init.connect(_warm_up, dispatch_uid="credentials.process_warmup")
