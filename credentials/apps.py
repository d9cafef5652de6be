from celery.signals import worker_init
from django.apps import AppConfig


def _compile_validators(**_kwargs: object) -> None:
    # Imported when a worker starts, not when the app registry loads.
    from .schema import compile_validators  # noqa: PLC0415

    compile_validators()


class CredentialsConfig(AppConfig):
    name = "credentials"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A worker compiles the schema check before its pool forks, not on its first
        # credential (ADR 0096; config.worker_warmup does the same for the URL modules).
        worker_init.connect(_compile_validators, dispatch_uid="credentials.compile_validators")
