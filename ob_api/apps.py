from django.apps import AppConfig


class ObApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ob_api"
    verbose_name = "Open Badges 3.0 API"

    def ready(self) -> None:
        # The token endpoint's audit entries (ob_api.audit_signals): connected on app loading.
        from . import audit_signals  # noqa: F401, PLC0415
